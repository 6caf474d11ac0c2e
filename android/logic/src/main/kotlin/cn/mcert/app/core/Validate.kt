package cn.mcert.app.core

/**
 * Input checks the forms run before asking the service (which checks again): mainland mobile
 * numbers, resident identity numbers (GB 11643 check character), unified social credit codes
 * (GB 32100 check character), names, e-mail addresses, bank account numbers (and the Luhn check
 * digit of an order's receiving account), and the files a user may upload.
 */
object Validate {
    private val mobile = Regex("^1[3-9][0-9]{9}$")

    fun mobile(phone: String): Boolean = mobile.matches(phone)

    private val smsCode = Regex("^[0-9]{6}$")

    /** A 6-digit SMS code. */
    fun smsCode(code: String): Boolean = smsCode.matches(code)

    /** 18 characters: 17 digits and a check character (digit or X), GB 11643. */
    fun idNumber(id: String): Boolean {
        if (id.length != 18 || !id.take(17).all { it in '0'..'9' }) return false
        val weights = intArrayOf(7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        val sum = (0 until 17).sumOf { (id[it] - '0') * weights[it] }
        return id[17].uppercaseChar() == "10X98765432"[sum % 11]
    }

    /** 统一社会信用代码: 18 characters of the GB 32100 alphabet, the last one its check character. */
    fun creditCode(code: String): Boolean {
        val alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        val weights = intArrayOf(1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
        if (code.length != 18) return false
        var sum = 0
        for (i in 0 until 17) {
            val v = alphabet.indexOf(code[i])
            if (v < 0) return false
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31] == code[17]
    }

    /** A person's name as the service takes it: 2 to 30 characters, no control characters. */
    fun personName(name: String): Boolean = name.trim().length in 2..30 && name.none { it.isISOControl() }

    /** An organisation's name: 2 to 100 characters, no control characters. */
    fun orgName(name: String): Boolean = name.trim().length in 2..100 && name.none { it.isISOControl() }

    /** 发票抬头, 户名 or a bank's name: 2 to 100 characters, no control characters. */
    fun title(text: String): Boolean = orgName(text)

    /** A bank account number (银行账号, 打款账户): 8 to 32 digits. */
    fun accountNumber(number: String): Boolean = number.length in 8..32 && number.all { it in '0'..'9' }

    /** Digits whose last one is the Luhn check digit over the others (an order's 收款账号). */
    fun luhn(number: String): Boolean {
        if (number.length < 2 || !number.all { it in '0'..'9' }) return false
        var sum = 0
        number.reversed().forEachIndexed { i, c ->
            val d = c - '0'
            sum += if (i % 2 == 1) (d * 2).let { if (it > 9) it - 9 else it } else d
        }
        return sum % 10 == 0
    }

    fun email(email: String): Boolean = Regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$").matches(email)

    /** The largest file the service takes (5 MB). */
    const val MAX_UPLOAD: Int = 5 * 1024 * 1024

    /** `image/jpeg`, `image/png` or `application/pdf` from the first bytes; null for anything else. */
    fun uploadType(bytes: ByteArray): String? {
        fun starts(vararg b: Int) = bytes.size >= b.size && b.indices.all { bytes[it] == b[it].toByte() }
        return when {
            starts(0xFF, 0xD8, 0xFF) -> "image/jpeg"
            starts(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) -> "image/png"
            starts(0x25, 0x50, 0x44, 0x46, 0x2D) -> "application/pdf"
            else -> null
        }
    }
}

/** A file the user picked (a photo or a PDF), with the name to show. */
class PickedFile(val name: String, val bytes: ByteArray) {
    val type: String? get() = Validate.uploadType(bytes)

    /** Why the service would refuse it (a text id of [Texts]), or null when it may be uploaded. */
    fun problem(): String? = when {
        bytes.isEmpty() -> "file_empty"
        bytes.size > Validate.MAX_UPLOAD -> "file_too_large"
        type == null -> "file_type"
        else -> null
    }
}
