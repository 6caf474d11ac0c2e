package cn.mcert.app.desktop

import cn.mcert.app.core.Display
import cn.mcert.app.core.Language
import cn.mcert.app.core.Subject
import cn.mcert.app.core.Texts
import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** One source for the words, and the values as users read them. */
class TextsTest {
    private val sources = listOf("../ui/src/main/kotlin", "../logic/src/main/kotlin/cn/mcert/app/state", "../app/src/main/kotlin")
        .map(::File)
        .flatMap { dir -> dir.walk().filter { it.extension == "kt" }.toList() }

    @Test
    fun `every text id the screens and the logic use exists, in both languages`() {
        val id = Regex("""(?:tr|Texts\.format)\("([a-z0-9_A-Z]+)"|Texts\["([a-z0-9_A-Z]+)"]|(?:textId|titleId|messageId)\W+"([a-z0-9_]+)"|\("([a-z_]+)", "([a-z_]+)",""")
        val used = sources.flatMap { f -> id.findAll(f.readText()).flatMap { m -> m.groupValues.drop(1).filter(String::isNotEmpty) } }.toSet()
        assertTrue(used.size > 80, "found only ${used.size} ids")
        val missing = used.filterNot(Texts::has)
        assertTrue(missing.isEmpty(), "unknown text ids: $missing")
        for (lang in Language.entries) {
            Texts.use(lang)
            for (i in Texts.ids) assertTrue(Texts[i].isNotBlank(), "$i is empty in $lang")
        }
        Texts.use(Language.ZH)
    }

    @Test
    fun `no user text is written into the screens' code`() {
        val cjk = Regex(""""[^"\n]*[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][^"\n]*"""")
        for (f in sources) {
            f.readLines().forEachIndexed { n, line ->
                val code = line.substringBefore("//").trim()
                if (code.startsWith("*") || code.startsWith("/*")) return@forEachIndexed
                assertTrue(cjk.find(code) == null, "${f.path}:${n + 1} has text outside the table: $line")
            }
        }
    }

    @Test
    fun `Beijing time, yuan and masking`() {
        assertEquals("2025-03-08 15:21", Display.beijingTime("2025-03-08T07:21:05Z"))
        assertEquals("2025-03-09 00:30", Display.beijingTime("2025-03-08T16:30:00Z"))
        assertEquals("2025-03-09", Display.beijingDate("2025-03-08T16:30:00+00:00"))
        assertEquals("not a time", Display.beijingTime("not a time"))
        assertEquals("300.00", Display.yuan(30_000))
        assertEquals("0.05", Display.yuan(5))
        assertEquals("110***********0011", Display.maskId("110101199003070011"))
    }

    @Test
    fun `subjects as the core prints them`() {
        val person = Subject.parse("C=CN,O=个人,CN=张三,serialNumber=110101199003070011")
        assertEquals("张三", person.commonName)
        assertNull(person.organisationShown)
        assertEquals("110***********0011", person.maskedId)
        // The service's certificates carry a keyed subject identifier, never shown as a number.
        val keyed = Subject.parse("C=CN,CN=张三,serialNumber=" + "3f".repeat(32))
        assertNull(keyed.maskedId)
        val org = Subject.parse("C=CN,O=青海能源集团有限公司,2.5.4.97=#131239313633303030304d41375858585858324b,CN=张三")
        assertEquals("青海能源集团有限公司", org.organisationShown)
        assertEquals("91630000MA7XXXXX2K", org.organisationId)
        assertTrue(org.isOrganisation)
        val escaped = Subject.parse("CN=Li\\, Lei,O=\\E4\\B8\\AA\\E4\\BA\\BA")
        assertEquals("Li, Lei", escaped.commonName)
        assertEquals("个人", escaped.organisation)
    }
}
