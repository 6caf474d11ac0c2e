package cn.mcert.gbt38540;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.ofdrw.gm.ses.v1.SES_ESPictrueInfo;
import org.ofdrw.gm.ses.v1.SES_Header;
import org.ofdrw.gm.ses.v4.CertDigestObj;
import org.ofdrw.gm.ses.v4.SESeal;
import org.ofdrw.gm.ses.v4.SES_CertList;
import org.ofdrw.gm.ses.v4.SES_ESPropertyInfo;
import org.ofdrw.gm.ses.v4.SES_SealInfo;
import org.ofdrw.gm.ses.v4.SES_Signature;
import org.ofdrw.gm.ses.v4.TBS_Sign;

/**
 * A GB/T 38540-2020 (v4) seal-signature verifier written without any of mcert's code: ofdrw-gm
 * parses, BouncyCastle verifies. ofdrw's own validator only checks the signer's signature and the
 * data hash, so every other check of the standard's verification procedure is done here.
 *
 * <p>SM2 signatures are SM3withSM2 with BouncyCastle's default ID 1234567812345678; what is signed
 * is the DER of SES_SealInfo (by the seal maker) and the DER of TBS_Sign (by the signer).
 */
final class StrangerVerifier {

    /**
     * The checks, each of which may fail on its own. COVERAGE is only for signatures in PDFs
     * (see {@link StampedPdf}): the byte range covers the whole file but the /Contents string.
     */
    enum Check {
        PARSE, ENCODING, HEADER, ALGORITHM, PICTURE, MAKER_CHAIN, MAKER_SIGNATURE, SEAL_VALIDITY,
        SIGNING_TIME, SIGNER_CHAIN, BINDING, SIGNER_SIGNATURE, DATA_HASH, COVERAGE
    }

    static final String SM2_WITH_SM3 = "1.2.156.10197.1.501";
    static final Set<String> PICTURE_TYPES = Set.of("ofd", "png", "jpg", "gif", "bmp", "svg");
    static final long MAX_SKEW_MS = 5 * 60 * 1000;

    private static final Provider BC = new BouncyCastleProvider();

    private final X509Certificate root;
    private final X509Certificate issuing;

    StrangerVerifier(byte[] rootDer, byte[] issuingDer) throws GeneralSecurityException {
        this.root = certificate(rootDer);
        this.issuing = certificate(issuingDer);
        root.verify(root.getPublicKey(), BC);
        issuing.verify(root.getPublicKey(), BC);
    }

    static X509Certificate certificate(byte[] der) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509", BC);
        return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
    }

    static byte[] sm3(byte[] data) {
        SM3Digest d = new SM3Digest();
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    static boolean sm2Verify(PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        Signature s = Signature.getInstance("SM3withSM2", BC);
        s.initVerify(key);
        s.update(message);
        return s.verify(signature);
    }

    /** The failed checks, each with what was wrong; empty when the signature is valid. */
    static final class Verdict {
        final Map<Check, String> failures = new EnumMap<>(Check.class);

        void fail(Check check, String why) {
            failures.putIfAbsent(check, why);
        }

        Set<Check> failed() {
            return failures.keySet();
        }

        @Override
        public String toString() {
            return failures.isEmpty() ? "OK" : failures.toString();
        }
    }

    @FunctionalInterface
    private interface Step {
        boolean run() throws Exception;
    }

    private static void check(Verdict v, Check check, String what, Step step) {
        try {
            if (!step.run()) {
                v.fail(check, what);
            }
        } catch (Exception e) {
            v.fail(check, what + ": " + e);
        }
    }

    /** The issuing CA issued {@code cert}, which is valid at {@code now}. */
    private boolean chains(X509Certificate cert, Date now) throws GeneralSecurityException {
        if (!cert.getIssuerX500Principal().equals(issuing.getSubjectX500Principal())) {
            return false;
        }
        cert.verify(issuing.getPublicKey(), BC);
        cert.checkValidity(now);
        issuing.checkValidity(now);
        root.checkValidity(now);
        return true;
    }

    private static boolean magicFits(String type, byte[] data) {
        switch (type) {
            case "png":
                return data.length > 8 && data[0] == (byte) 0x89 && data[1] == 'P'
                        && data[2] == 'N' && data[3] == 'G';
            case "jpg":
                return data.length > 3 && data[0] == (byte) 0xFF && data[1] == (byte) 0xD8;
            case "gif":
                return data.length > 6 && data[0] == 'G' && data[1] == 'I' && data[2] == 'F';
            default:
                return data.length > 0;
        }
    }

    /**
     * Verifies a DER SES_Signature over {@code data} at {@code now}; {@code sealDer} is the seal
     * as delivered on its own, which must be the one inside the signature.
     */
    Verdict verify(byte[] signatureDer, byte[] sealDer, byte[] data, Date now) {
        Verdict v = new Verdict();
        final SES_Signature sig;
        final SESeal seal;
        final SESeal sealAlone;
        try {
            sig = SES_Signature.getInstance(signatureDer);
            seal = sig.getToSign().getEseal();
            sealAlone = SESeal.getInstance(sealDer);
            // Touch every field, so that a structure ofdrw cannot read fails here.
            seal.geteSealInfo().getProperty().getCertList().get();
            seal.geteSealInfo().getPicture().getData();
        } catch (RuntimeException e) {
            v.fail(Check.PARSE, e.toString());
            return v;
        }
        TBS_Sign tbs = sig.getToSign();
        SES_SealInfo info = seal.geteSealInfo();
        SES_Header header = info.getHeader();
        SES_ESPropertyInfo property = info.getProperty();
        SES_ESPictrueInfo picture = info.getPicture();

        check(v, Check.ENCODING, "ofdrw re-encodes the bytes unchanged", () ->
                Arrays.equals(sig.getEncoded("DER"), signatureDer)
                        && Arrays.equals(seal.getEncoded("DER"), sealDer)
                        && Arrays.equals(sealAlone.getEncoded("DER"), sealDer));
        check(v, Check.HEADER, "header ES, version 4, TBS_Sign version = seal version", () ->
                "ES".equals(header.getId().getString())
                        && header.getVersion().intValueExact() == 4
                        && tbs.getVersion().intValueExact() == 4
                        && !header.getVid().getString().isEmpty());
        check(v, Check.ALGORITHM, "SM2-with-SM3 for the seal and the signature", () ->
                SM2_WITH_SM3.equals(seal.getSignAlgID().getId())
                        && SM2_WITH_SM3.equals(sig.getSignatureAlgID().getId()));
        check(v, Check.PICTURE, "a picture type the standard names, of that kind, sized", () -> {
            String type = picture.getType().getString().toLowerCase(Locale.ROOT);
            return PICTURE_TYPES.contains(type)
                    && magicFits(type, picture.getData().getOctets())
                    && picture.getWidth().getValue().signum() > 0
                    && picture.getHeight().getValue().signum() > 0;
        });

        byte[] makerDer = seal.getCert().getOctets();
        check(v, Check.MAKER_CHAIN, "the seal maker's certificate chains to the test root", () -> {
            X509Certificate maker = certificate(makerDer);
            boolean[] usage = maker.getKeyUsage();
            return chains(maker, now) && (usage == null || usage[0]);
        });
        check(v, Check.MAKER_SIGNATURE, "the maker's signature over DER(SES_SealInfo)", () ->
                sm2Verify(certificate(makerDer).getPublicKey(), info.getEncoded("DER"),
                        seal.getSignedValue().getOctets()));

        check(v, Check.SEAL_VALIDITY, "the seal is valid now", () -> {
            Date start = property.getValidStart().getDate();
            Date end = property.getValidEnd().getDate();
            return !now.before(start) && !now.after(end);
        });
        check(v, Check.SIGNING_TIME, "signed within the seal's validity, not in the future", () -> {
            Date signed = tbs.getTimeInfo().getDate();
            return !signed.before(property.getValidStart().getDate())
                    && !signed.after(property.getValidEnd().getDate())
                    && signed.getTime() <= now.getTime() + MAX_SKEW_MS;
        });

        byte[] signerDer = sig.getCert().getOctets();
        check(v, Check.SIGNER_CHAIN, "the signer's certificate chains to the test root", () ->
                chains(certificate(signerDer), now));
        check(v, Check.BINDING, "the seal binds the signer's certificate", () -> {
            SES_CertList list = property.getCertList();
            int type = property.getCertListType().intValueExact();
            if (type == 1) {
                for (ASN1OctetString cert : list.getCerts()) {
                    if (Arrays.equals(cert.getOctets(), signerDer)) {
                        return true;
                    }
                }
            } else if (type == 2) {
                byte[] digest = sm3(signerDer);
                for (CertDigestObj d : list.getCertDigestList()) {
                    if ("SM3".equalsIgnoreCase(d.getType().getString())
                            && Arrays.equals(d.getValue().getOctets(), digest)) {
                        return true;
                    }
                }
            }
            return false;
        });
        check(v, Check.SIGNER_SIGNATURE, "the signer's signature over DER(TBS_Sign)", () ->
                sm2Verify(certificate(signerDer).getPublicKey(), tbs.getEncoded("DER"),
                        sig.getSignature().getOctets()));
        check(v, Check.DATA_HASH, "dataHash is SM3 of the data", () ->
                Arrays.equals(tbs.getDataHash().getOctets(), sm3(data)));
        return v;
    }
}
