package cn.mcert.app.desktop

import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Validate
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The forms' checks agree with the core's (the same examples as core/src/validate.rs). */
class ValidateTest {
    @Test
    fun `credit codes by their GB 32100 check character`() {
        for (good in listOf("91350100M000100Y43", "91110108MA01ABCD1E", "91630100MA7ABCDE1W")) assertTrue(Validate.creditCode(good), good)
        for (bad in listOf("91110108MA01ABCD1F", "91110108MA01ABCD1", "91110108MA01ABCDIE", "91350100m000100y43", "")) {
            assertFalse(Validate.creditCode(bad), bad)
        }
    }

    @Test
    fun `identity numbers by their GB 11643 check character, mobiles, names, e-mail`() {
        assertTrue(Validate.idNumber("11010519491231002X"))
        assertTrue(Validate.idNumber("11010519491231002x"))
        assertTrue(Validate.idNumber("110101199003070011"))
        assertFalse(Validate.idNumber("110101199003070012"))
        assertFalse(Validate.idNumber("1101011990030700"))
        assertTrue(Validate.mobile("13812345678"))
        assertFalse(Validate.mobile("12812345678"))
        assertTrue(Validate.personName("李工"))
        assertFalse(Validate.personName("李"))
        assertTrue(Validate.orgName("青海某某建设工程有限公司"))
        assertTrue(Validate.email("li@example.cn"))
        assertFalse(Validate.email("li@example"))
    }

    @Test
    fun `uploads are typed from their first bytes and sized as the service takes them`() {
        assertEquals("image/png", PickedFile("a.png", samplePng).type)
        assertEquals("image/jpeg", PickedFile("a.jpg", sampleJpeg).type)
        assertEquals("application/pdf", PickedFile("a.pdf", "%PDF-1.7".toByteArray()).type)
        assertNull(PickedFile("a.png", samplePng).problem())
        assertEquals("file_type", PickedFile("a.png", "GIF89a".toByteArray()).problem())
        assertEquals("file_empty", PickedFile("a.png", ByteArray(0)).problem())
        assertEquals("file_too_large", PickedFile("a.jpg", sampleJpeg + ByteArray(Validate.MAX_UPLOAD)).problem())
    }

    @Test
    fun `bank account numbers, the Luhn check digit of a receiving account, and how numbers are shown`() {
        assertTrue(Validate.luhn("6217000012345678907"))
        assertTrue(Validate.luhn("79927398713"))
        assertFalse(Validate.luhn("6217000012345678900"))
        assertFalse(Validate.luhn("6217 0000 1234 5678 907"), "digits only")
        assertFalse(Validate.luhn("0"))
        assertTrue(Validate.accountNumber("12345678"))
        assertTrue(Validate.accountNumber("1".repeat(32)))
        assertFalse(Validate.accountNumber("1234567"))
        assertFalse(Validate.accountNumber("1".repeat(33)))
        assertFalse(Validate.accountNumber("1234567a"))
        assertEquals("6217 0000 1234 5678 907", cn.mcert.app.core.Display.grouped("6217000012345678907"))
        assertEquals("6217000012345678907", cn.mcert.app.core.Display.digits("6217 0000-1234 5678 907"))
        cn.mcert.app.core.Texts.use(cn.mcert.app.core.Language.ZH)
        assertEquals("¥300.00", cn.mcert.app.core.Display.money(30_000))
        assertEquals("-¥88.00", cn.mcert.app.core.Display.money(-8_800))
        assertEquals("¥0.05", cn.mcert.app.core.Display.money(5))
    }
}
