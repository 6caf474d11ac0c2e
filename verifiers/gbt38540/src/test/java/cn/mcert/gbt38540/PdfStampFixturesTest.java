package cn.mcert.gbt38540;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import cn.mcert.gbt38540.StrangerVerifier.Check;

/**
 * Checks the SM2-stamped PDFs mcert's Rust code made, written to {@code pdf/} under the directory
 * in the system property {@code mcert.sealFixtures} as {@code <name>.pdf} with
 * {@code pdf/manifest.txt}. Each PDF holds one {@code /SubFilter /GBT38540.SESSignature}
 * signature; {@link StampedPdf} finds it without a PDF library, checks that its byte range covers
 * the whole file but the {@code /Contents} string (COVERAGE), and {@link StrangerVerifier} checks
 * the SES_Signature from {@code /Contents}, the seal inside it and the two byte ranges as the
 * data. The verdicts are fixed here, not read from the fixtures; missing fixtures fail the run.
 *
 * <p>The trust anchors are {@code pdf/root.der} and {@code pdf/issuing.der} when both are there,
 * otherwise the seal fixtures' {@code root.der} and {@code issuing.der}.
 */
class PdfStampFixturesTest {

    /** Fixture name → the only check that must fail (none for the valid ones). */
    static final Map<String, Set<Check>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("stamped", EnumSet.noneOf(Check.class));
        EXPECTED.put("content-flipped", EnumSet.of(Check.DATA_HASH));
        EXPECTED.put("appended-after", EnumSet.of(Check.COVERAGE));
        EXPECTED.put("unbound-signer", EnumSet.of(Check.BINDING));
        // Stamped with a person's generated name seal (a type 2, personal, GB/T 38540 seal).
        EXPECTED.put("personal-stamped", EnumSet.noneOf(Check.class));
    }

    static Path dir;
    static StrangerVerifier verifier;

    @BeforeAll
    static void fixtures() throws Exception {
        String where = System.getProperty("mcert.sealFixtures");
        assertNotNull(where, "system property mcert.sealFixtures is not set");
        Path seals = Path.of(where);
        dir = seals.resolve("pdf");
        assertTrue(Files.isDirectory(dir), "no stamped-PDF fixtures in " + dir
                + ": run the Rust tests with MCERT_SEAL_FIXTURES=" + seals
                + " first (scripts/test.sh does)");
        Path anchors = Files.isRegularFile(dir.resolve("root.der"))
                && Files.isRegularFile(dir.resolve("issuing.der")) ? dir : seals;
        verifier = new StrangerVerifier(read(anchors.resolve("root.der")),
                read(anchors.resolve("issuing.der")));
    }

    static byte[] read(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), "fixture missing: " + file);
        return Files.readAllBytes(file);
    }

    @Test
    void theManifestListsEveryFixtureWithTheSameVerdict() throws IOException {
        SealFixturesTest.assertManifest(read(dir.resolve("manifest.txt")), EXPECTED);
    }

    @TestFactory
    Stream<DynamicTest> everyStampedPdfGetsItsVerdict() {
        Date now = new Date();
        return EXPECTED.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            String name = e.getKey();
            StrangerVerifier.Verdict verdict =
                    StampedPdf.verify(verifier, read(dir.resolve(name + ".pdf")), now);
            System.out.printf("GB/T 38540 stamped PDF %-16s -> %s%n", name, verdict);
            assertEquals(e.getValue(), verdict.failed(), name + ": " + verdict);
        }));
    }
}
