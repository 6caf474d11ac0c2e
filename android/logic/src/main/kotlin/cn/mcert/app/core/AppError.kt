package cn.mcert.app.core

import cn.mcert.ffi.McertException

/**
 * The app's own error: what a screen shows ([message], zh-CN), a stable [code] for logic, and
 * the PIN state where the PIN entry screen needs it.
 */
class AppError(
    val code: String,
    override val message: String,
    val triesLeft: Int? = null,
    val locked: Boolean = false,
    val httpStatus: Int? = null,
) : Exception(message)

/** Maps the generated FFI error to the app's error. */
fun McertException.toAppError(): AppError = when (this) {
    is McertException.WrongPin -> AppError(code, userMessage, triesLeft = triesLeft.toInt())
    is McertException.Locked -> AppError(code, userMessage, triesLeft = 0, locked = true)
    is McertException.Invalid -> AppError(code, userMessage)
    is McertException.Service -> AppError(code, userMessage, httpStatus = httpStatus.toInt())
    is McertException.Network -> AppError(code, userMessage)
    is McertException.Failed -> AppError(code, userMessage)
}

/** Runs an FFI call, turning its errors into [AppError]. */
suspend fun <T> ffi(block: suspend () -> T): T =
    try {
        block()
    } catch (e: McertException) {
        throw e.toAppError()
    }
