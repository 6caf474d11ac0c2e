package cn.mcert.app.core

/**
 * The app's own error: what a screen shows ([message], in the user's language), a stable [code]
 * for logic, and the PIN state where the PIN entry screen needs it.
 */
class AppError(
    val code: String,
    override val message: String,
    val triesLeft: Int? = null,
    val locked: Boolean = false,
    val httpStatus: Int? = null,
) : Exception(message)
