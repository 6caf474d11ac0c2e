package cn.mcert.gbt38540;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.ofdrw.gm.ses.v4.SESeal;

import cn.mcert.gbt38540.StrangerVerifier.Check;

/**
 * Checks the seal signatures mcert's Rust code made (core/tests/integration/seal.rs, written to
 * the directory in the system property {@code mcert.sealFixtures}). The verdicts are fixed here,
 * not read from the fixtures: each valid fixture passes every check, each tampered one fails
 * exactly the one check its tampering targets. Missing fixtures fail the run.
 */
class SealFixturesTest {

    /** Fixture name → the only check that must fail (none for the valid ones). */
    static final Map<String, Set<Check>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("valid", EnumSet.noneOf(Check.class));
        EXPECTED.put("valid-digest-list", EnumSet.noneOf(Check.class));
        EXPECTED.put("picture-flipped", EnumSet.of(Check.MAKER_SIGNATURE));
        EXPECTED.put("wrong-maker-key", EnumSet.of(Check.MAKER_SIGNATURE));
        EXPECTED.put("untrusted-maker", EnumSet.of(Check.MAKER_CHAIN));
        EXPECTED.put("unbound-signer", EnumSet.of(Check.BINDING));
        EXPECTED.put("expired-seal", EnumSet.of(Check.SEAL_VALIDITY));
        EXPECTED.put("wrong-data-hash", EnumSet.of(Check.DATA_HASH));
        EXPECTED.put("tampered-tbs", EnumSet.of(Check.SIGNER_SIGNATURE));
    }

    static Path dir;
    static StrangerVerifier verifier;

    @BeforeAll
    static void fixtures() throws Exception {
        String where = System.getProperty("mcert.sealFixtures");
        assertNotNull(where, "system property mcert.sealFixtures is not set");
        dir = Path.of(where);
        assertTrue(Files.isDirectory(dir), "no GB/T 38540 fixtures in " + dir
                + ": run `MCERT_SEAL_FIXTURES=" + dir + " cargo test -p mcert-core --test"
                + " integration seal::` first (scripts/test.sh does)");
        verifier = new StrangerVerifier(read("root.der"), read("issuing.der"));
    }

    static byte[] read(String name) throws IOException {
        Path file = dir.resolve(name);
        assertTrue(Files.isRegularFile(file), "fixture missing: " + file);
        return Files.readAllBytes(file);
    }

    /**
     * Checks that a fixtures manifest (lines `<name> <VERDICT>`) names exactly the fixtures of
     * [expected], each with its verdict (OK or the one check that must fail).
     */
    static void assertManifest(byte[] text, Map<String, Set<Check>> expected) {
        Map<String, String> manifest = new LinkedHashMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.trim().split("\\s+");
                assertEquals(2, parts.length, "manifest line is not `<name> <VERDICT>`: " + line);
                manifest.put(parts[0], parts[1]);
            }
        }
        Map<String, String> verdicts = expected.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey,
                e -> e.getValue().isEmpty() ? "OK" : e.getValue().iterator().next().name(),
                (a, b) -> a, LinkedHashMap::new));
        assertEquals(verdicts, manifest);
    }

    @Test
    void theManifestListsEveryFixtureWithTheSameVerdict() throws IOException {
        assertManifest(read("manifest.txt"), EXPECTED);
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureGetsItsVerdict() {
        Date now = new Date();
        return EXPECTED.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            String name = e.getKey();
            StrangerVerifier.Verdict verdict = verifier.verify(read(name + ".sig.der"),
                    read(name + ".seal.der"), read(name + ".data"), now);
            System.out.printf("GB/T 38540 fixture %-18s -> %s%n", name, verdict);
            assertEquals(e.getValue(), verdict.failed(), name + ": " + verdict);
        }));
    }

    @Test
    void theValidSealsCarryADecodablePicture() throws IOException {
        for (String name : new String[] {"valid", "valid-digest-list"}) {
            SESeal seal = SESeal.getInstance(read(name + ".seal.der"));
            byte[] png = seal.geteSealInfo().getPicture().getData().getOctets();
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(image, name + ": the picture does not decode");
            assertTrue(image.getColorModel().hasAlpha(), name + ": no transparent background");
            assertEquals(40, seal.geteSealInfo().getPicture().getWidth().intValueExact());
        }
    }
}
