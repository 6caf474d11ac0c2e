package cn.mcert.app.core

import java.time.LocalDate
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeParseException

/** How values are shown: Beijing time, yuan, masked numbers, the parts of a subject. */
object Display {
    /** China Standard Time (no daylight saving), as users read every time. */
    val BEIJING: ZoneOffset = ZoneOffset.ofHours(8)
    private val minute = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
    private val day = DateTimeFormatter.ofPattern("yyyy-MM-dd")

    /** An RFC 3339 instant as Beijing time to the minute (`2025-03-01 16:30`); unparsable text as is. */
    fun beijingTime(rfc3339: String): String = parse(rfc3339)?.atZoneSameInstant(BEIJING)?.format(minute) ?: rfc3339

    /** An RFC 3339 instant as a Beijing date (`2025-03-01`). */
    fun beijingDate(rfc3339: String): String = parse(rfc3339)?.atZoneSameInstant(BEIJING)?.format(day) ?: rfc3339

    /** Whether [text] is a calendar date `YYYY-MM-DD` (the usage filter). */
    fun isDate(text: String): Boolean =
        try {
            LocalDate.parse(text, day)
            true
        } catch (e: DateTimeParseException) {
            false
        }

    private fun parse(text: String): OffsetDateTime? =
        try {
            OffsetDateTime.parse(text)
        } catch (e: DateTimeParseException) {
            null
        }

    /** Fen as yuan with two decimals (`300.00`); money is never a floating-point number. */
    fun yuan(fen: Long): String {
        val sign = if (fen < 0) "-" else ""
        val abs = Math.abs(fen)
        return "%s%d.%02d".format(sign, abs / 100, abs % 100)
    }

    /** Money as the app shows it: `¥300.00` (`CNY 300.00` in English), `-¥88.00` when negative. */
    fun money(fen: Long): String = (if (fen < 0) "-" else "") + Texts.format("yuan", yuan(Math.abs(fen)))

    /** A long number in groups of four for reading (`6217 0000 1234 5`); copied without spaces. */
    fun grouped(number: String): String = number.filterNot { it.isWhitespace() }.chunked(4).joinToString(" ")

    /** The digits of what the user typed or pasted (spaces and dashes dropped). */
    fun digits(text: String): String = text.filter { it in '0'..'9' }

    /** An identity number masked as the service does (`110***********1234`). */
    fun maskId(number: String): String =
        if (number.length <= 7) "*".repeat(number.length) else number.take(3) + "*".repeat(number.length - 7) + number.takeLast(4)

    /** The last digits of a serial, grouped for reading aloud. */
    fun shortSerial(serial: String): String = serial.takeLast(8).uppercase().chunked(4).joinToString(" ")

    /** Label of a key algorithm as certificate rows show it (`sm2`, `SM2` or `p256` in). */
    fun algorithm(name: String): String =
        when (name.uppercase().replace("-", "")) {
            "SM2" -> Texts["algorithm_SM2"]
            "P256", "ECDSAP256", "ECP256" -> Texts["algorithm_P256"]
            else -> name.uppercase()
        }
}

/**
 * The parts of a certificate subject (RFC 4514 text, as the core reports it) that a card shows:
 * holder (CN), organisation (O), the identity number (serialNumber) and the organisation's
 * credit code (organizationIdentifier).
 */
data class Subject(
    val commonName: String?,
    val organisation: String?,
    val serialNumber: String?,
    val organisationId: String?,
) {
    /** An organisation certificate carries the organisation's code; a person's carries none. */
    val isOrganisation: Boolean get() = organisationId != null

    /**
     * The holder's identity number, masked; null when the subject carries none. Certificates of
     * this service carry a keyed subject identifier there instead of the number (it is never
     * shown); only a value shaped like a resident identity number (15 digits, or 17 digits and a
     * check character) is one.
     */
    val maskedId: String? get() = serialNumber?.takeIf { looksLikeIdNumber(it) }?.let { Display.maskId(it) }

    /** The organisation to show: none for personal certificates marked 个人. */
    val organisationShown: String? get() = organisation?.takeUnless { it == "个人" || it.isBlank() }

    companion object {
        /** 15 digits, or 17 digits and a digit or X (GB 11643). */
        fun looksLikeIdNumber(value: String): Boolean =
            Regex("^([0-9]{15}|[0-9]{17}[0-9Xx])$").matches(value)

        fun parse(text: String): Subject {
            val fields = mutableMapOf<String, String>()
            for ((key, value) in split(text)) fields.putIfAbsent(key, value)
            return Subject(
                commonName = fields["CN"] ?: fields["2.5.4.3"],
                organisation = fields["O"] ?: fields["2.5.4.10"],
                serialNumber = fields["SERIALNUMBER"] ?: fields["2.5.4.5"],
                organisationId = fields["ORGANIZATIONIDENTIFIER"] ?: fields["2.5.4.97"],
            )
        }

        /** `type=value` pairs of RFC 4514 text, unescaped; hex values (`#13…`) decoded as strings. */
        private fun split(text: String): List<Pair<String, String>> {
            val out = mutableListOf<Pair<String, String>>()
            val part = StringBuilder()
            var i = 0
            fun flush() {
                val s = part.toString()
                part.clear()
                val eq = s.indexOf('=')
                if (eq <= 0) return
                val key = s.substring(0, eq).trim().uppercase()
                var value = s.substring(eq + 1).trim()
                if (value.startsWith("#")) value = hexString(value.substring(1)) ?: value
                out += key to value
            }
            while (i < text.length) {
                val c = text[i]
                when {
                    c == '\\' && hexPair(text, i + 1) -> {
                        // An escaped UTF-8 byte sequence: collect consecutive \XX bytes.
                        val bytes = mutableListOf<Byte>()
                        while (i < text.length && text[i] == '\\' && hexPair(text, i + 1)) {
                            bytes += text.substring(i + 1, i + 3).toInt(16).toByte()
                            i += 3
                        }
                        part.append(String(bytes.toByteArray(), Charsets.UTF_8))
                        continue
                    }
                    c == '\\' && i + 1 < text.length -> {
                        part.append(text[i + 1])
                        i += 2
                        continue
                    }
                    c == ',' || c == '+' -> flush()
                    else -> part.append(c)
                }
                i++
            }
            flush()
            return out
        }

        private fun hexPair(text: String, at: Int): Boolean =
            at + 2 <= text.length && text.substring(at, at + 2).all { it.isDigit() || it.lowercaseChar() in 'a'..'f' }

        /** A DER string (PrintableString, UTF8String, IA5String) in hex. */
        private fun hexString(hex: String): String? {
            if (hex.length < 4 || hex.length % 2 != 0) return null
            val bytes = try {
                hex.chunked(2).map { it.toInt(16).toByte() }.toByteArray()
            } catch (e: NumberFormatException) {
                return null
            }
            val tag = bytes[0].toInt()
            if (tag != 0x13 && tag != 0x0c && tag != 0x16) return null
            val len = bytes[1].toInt() and 0xff
            if (len >= 0x80 || 2 + len != bytes.size) return null
            return String(bytes, 2, len, Charsets.UTF_8)
        }
    }
}
