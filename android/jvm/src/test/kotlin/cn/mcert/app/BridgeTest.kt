package cn.mcert.app

import cn.mcert.app.bridge.ffi
import cn.mcert.app.bridge.ffiBlocking
import cn.mcert.app.core.AppError
import cn.mcert.app.core.Language
import cn.mcert.app.core.Texts
import cn.mcert.ffi.InternalException
import cn.mcert.ffi.McertException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The boundary to the generated bindings: every failure leaves as the app's error. */
class BridgeTest {
    @Test
    fun `uniffi's internal errors and other surprises become the app's internal error`() {
        Texts.use(Language.ZH)
        for (thrown in listOf(InternalException("rust panicked"), IllegalStateException("x"), UnsatisfiedLinkError("no lib"))) {
            val e = assertThrows<AppError> { runBlocking { ffi<Unit> { throw thrown } } }
            assertEquals("internal", e.code)
            assertEquals("应用出现内部错误，请重试", e.message)
            assertEquals("internal", assertThrows<AppError> { ffiBlocking<Unit> { throw thrown } }.code)
        }
    }

    @Test
    fun `the core's errors keep their code, message and PIN state`() {
        val e = assertThrows<AppError> {
            runBlocking { ffi<Unit> { throw McertException.WrongPin("wrong_pin", "证书密码错误，还可尝试 3 次", 3u) } }
        }
        assertEquals("wrong_pin", e.code)
        assertEquals(3, e.triesLeft)
        assertThrows<CancellationException> { runBlocking { ffi<Unit> { throw CancellationException("left") } } }
    }
}
