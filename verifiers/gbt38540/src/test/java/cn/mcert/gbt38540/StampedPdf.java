package cn.mcert.gbt38540;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ofdrw.gm.ses.v4.SES_Signature;

import cn.mcert.gbt38540.StrangerVerifier.Check;
import cn.mcert.gbt38540.StrangerVerifier.Verdict;

/**
 * A PDF holding one GB/T 38540 signature (mcert's {@code /SubFilter /GBT38540.SESSignature}),
 * read without any PDF library: only the signature dictionary is parsed (PDF 32000-1 §7.2–7.3
 * lexical rules, §12.8.1 signature fields).
 *
 * <p>The dictionary is found through its {@code /ByteRange}: the file must contain that name
 * exactly once; the last object header ({@code N G obj}) before it opens the signature
 * dictionary, which is parsed with a small tokenizer (names, numbers, literal and hex strings,
 * arrays, nested dictionaries, references, comments) and must hold that very {@code /ByteRange}
 * as one of its own entries, {@code /Filter /Adobe.PPKLite}, {@code /SubFilter
 * /GBT38540.SESSignature} and a hex-string {@code /Contents}, and be followed by {@code endobj}.
 */
final class StampedPdf {

    static final String FILTER = "Adobe.PPKLite";
    static final String SUB_FILTER = "GBT38540.SESSignature";

    /** The file is not a PDF with one GB/T 38540 signature dictionary (a PARSE failure). */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    final byte[] file;
    /** {@code /ByteRange [s1 l1 s2 l2]} as written. */
    final long[] byteRange;
    /** Where the {@code /Contents} hex string lies, brackets included: {@code [start, end)}. */
    final int contentsStart;
    final int contentsEnd;

    private StampedPdf(byte[] file, long[] byteRange, int contentsStart, int contentsEnd) {
        this.file = file;
        this.byteRange = byteRange;
        this.contentsStart = contentsStart;
        this.contentsEnd = contentsEnd;
    }

    // ---------------------------------------------------------------- finding the dictionary

    private static final String WS = "\\x00\\t\\n\\f\\r ";
    private static final Pattern OBJECT_HEADER = Pattern.compile(
            "(?<![0-9])([0-9]+)[" + WS + "]+([0-9]+)[" + WS + "]+obj(?=[" + WS
                    + "()<>\\[\\]{}/%])");

    static StampedPdf read(byte[] file) throws Malformed {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("%PDF-")) {
            throw new Malformed("the file does not start with %PDF-");
        }
        int at = text.indexOf("/ByteRange");
        if (at < 0) {
            throw new Malformed("no /ByteRange in the file");
        }
        int again = text.indexOf("/ByteRange", at + 1);
        if (again >= 0) {
            throw new Malformed("more than one /ByteRange (at " + at + " and " + again
                    + "): a PDF with one signature has exactly one");
        }

        Matcher m = OBJECT_HEADER.matcher(text).region(0, at);
        int headerEnd = -1;
        String header = null;
        while (m.find()) {
            headerEnd = m.end();
            header = m.group(1) + " " + m.group(2) + " obj";
        }
        if (header == null) {
            throw new Malformed("no object header before the /ByteRange at " + at);
        }
        Lexer lx = new Lexer(file, headerEnd);
        Obj dict = lx.object();
        if (dict.kind != Kind.DICT) {
            throw new Malformed("object " + header + " before the /ByteRange is not a dictionary");
        }
        Integer keyAt = dict.keyAt.get("ByteRange");
        if (keyAt == null || keyAt != at) {
            throw new Malformed("the /ByteRange at " + at + " is not an entry of the dictionary"
                    + " of object " + header);
        }
        Obj end = lx.object();
        if (end.kind != Kind.KEYWORD || !"endobj".equals(end.text)) {
            throw new Malformed("the signature dictionary (object " + header
                    + ") is not followed by endobj");
        }

        requireName(dict, "Filter", FILTER);
        requireName(dict, "SubFilter", SUB_FILTER);

        Obj range = dict.entries.get("ByteRange");
        if (range.kind != Kind.ARRAY || range.items.size() != 4) {
            throw new Malformed("/ByteRange is not an array of four integers");
        }
        long[] br = new long[4];
        for (int i = 0; i < 4; i++) {
            Obj n = range.items.get(i);
            if (n.kind != Kind.NUMBER || !n.text.matches("[0-9]{1,15}")) {
                throw new Malformed("/ByteRange entry " + i + " is not a non-negative integer: "
                        + n.text);
            }
            br[i] = Long.parseLong(n.text);
        }

        Obj contents = dict.entries.get("Contents");
        if (contents == null || contents.kind != Kind.HEX_STRING) {
            throw new Malformed("/Contents is missing or not a hex string");
        }
        return new StampedPdf(file, br, contents.start, contents.end);
    }

    private static void requireName(Obj dict, String key, String expected) throws Malformed {
        Obj v = dict.entries.get(key);
        if (v == null || v.kind != Kind.NAME || !expected.equals(v.text)) {
            throw new Malformed("/" + key + " is " + (v == null ? "missing" : v.text)
                    + ", not /" + expected);
        }
    }

    // ---------------------------------------------------------------- the checks

    /**
     * Why the byte range does not cover the whole file except exactly the {@code /Contents} hex
     * string; null when it does.
     */
    String coverageProblem() {
        long s1 = byteRange[0], l1 = byteRange[1], s2 = byteRange[2], l2 = byteRange[3];
        if (s1 != 0) {
            return "the byte range starts at " + s1 + ", not 0";
        }
        if (l1 >= s2) {
            return "the byte ranges overlap or touch: a = " + l1 + ", b = " + s2;
        }
        if (l1 != contentsStart || s2 != contentsEnd) {
            return "the gap " + l1 + ".." + s2 + " is not the /Contents string at "
                    + contentsStart + ".." + contentsEnd;
        }
        int digits = contentsEnd - contentsStart - 2;
        if (digits == 0 || digits % 2 != 0) {
            return "the /Contents string has " + digits + " hex digits";
        }
        for (int i = contentsStart + 1; i < contentsEnd - 1; i++) {
            if (Character.digit(file[i], 16) < 0) {
                return "byte " + i + " inside /Contents is not a hex digit";
            }
        }
        if (s2 + l2 != file.length) {
            return "the signed bytes end at " + (s2 + l2) + ", the file at " + file.length
                    + (s2 + l2 < file.length ? " (bytes after the signed revision)" : "");
        }
        return null;
    }

    /** The two byte ranges, concatenated (clipped to the file when they run past it). */
    byte[] signedData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < 4; r += 2) {
            long from = Math.min(byteRange[r], file.length);
            long to = Math.min(byteRange[r] + byteRange[r + 1], file.length);
            out.write(file, (int) from, (int) (to - from));
        }
        return out.toByteArray();
    }

    /** The DER at the head of {@code /Contents}, after which only zero padding may follow. */
    byte[] signatureDer() throws Malformed {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int high = -1;
        for (int i = contentsStart + 1; i < contentsEnd - 1; i++) {
            int d = Character.digit(file[i], 16);
            if (d < 0) {
                continue; // white space, allowed by the lexer (COVERAGE rejects it)
            }
            if (high < 0) {
                high = d;
            } else {
                bytes.write(high << 4 | d);
                high = -1;
            }
        }
        if (high >= 0) {
            bytes.write(high << 4);
        }
        byte[] all = bytes.toByteArray();
        if (all.length < 2 || all[0] != 0x30) {
            throw new Malformed("/Contents does not start with a DER SEQUENCE");
        }
        int first = all[1] & 0xFF;
        long length;
        int head;
        if (first < 0x80) {
            length = first;
            head = 2;
        } else if (first == 0x80 || first > 0x84) {
            throw new Malformed("/Contents: DER length form 0x" + Integer.toHexString(first));
        } else {
            int n = first - 0x80;
            if (all.length < 2 + n) {
                throw new Malformed("/Contents: truncated DER length");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = length << 8 | (all[2 + i] & 0xFF);
            }
            head = 2 + n;
        }
        if (head + length > all.length) {
            throw new Malformed("/Contents: the DER (" + (head + length) + " bytes) is longer"
                    + " than the string (" + all.length + " bytes)");
        }
        int total = (int) (head + length);
        for (int i = total; i < all.length; i++) {
            if (all[i] != 0) {
                throw new Malformed("/Contents: byte " + i + " after the DER is not zero padding");
            }
        }
        byte[] der = new byte[total];
        System.arraycopy(all, 0, der, 0, total);
        return der;
    }

    /**
     * The verdict on a stamped PDF: PARSE when the signature dictionary cannot be read,
     * otherwise COVERAGE (when the byte range falls short) together with the verifier's checks on
     * the signature from {@code /Contents}, the seal inside it and the two byte ranges.
     */
    static Verdict verify(StrangerVerifier verifier, byte[] file, Date now) {
        final StampedPdf pdf;
        final byte[] signatureDer;
        try {
            pdf = read(file);
            signatureDer = pdf.signatureDer();
        } catch (Malformed | RuntimeException e) {
            Verdict v = new Verdict();
            v.fail(Check.PARSE, e instanceof Malformed ? e.getMessage() : e.toString());
            return v;
        }
        byte[] sealDer;
        try {
            sealDer = SES_Signature.getInstance(signatureDer).getToSign().getEseal()
                    .getEncoded("DER");
        } catch (Exception e) {
            sealDer = new byte[0]; // the verifier reports PARSE
        }
        Verdict v = verifier.verify(signatureDer, sealDer, pdf.signedData(), now);
        String problem = pdf.coverageProblem();
        if (problem != null) {
            v.fail(Check.COVERAGE, problem);
        }
        return v;
    }

    // ---------------------------------------------------------------- the tokenizer

    enum Kind { DICT, ARRAY, NAME, STRING, HEX_STRING, NUMBER, KEYWORD, REF }

    /** A parsed object and where it lies in the file ({@code [start, end)}). */
    static final class Obj {
        final Kind kind;
        final int start;
        int end;
        String text;
        final List<Obj> items = new ArrayList<>();
        final Map<String, Obj> entries = new LinkedHashMap<>();
        final Map<String, Integer> keyAt = new LinkedHashMap<>();

        Obj(Kind kind, int start) {
            this.kind = kind;
            this.start = start;
        }
    }

    static boolean isWhite(int c) {
        return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
    }

    static boolean isDelimiter(int c) {
        return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{'
                || c == '}' || c == '/' || c == '%';
    }

    private static final int MAX_DEPTH = 32;

    static final class Lexer {
        private final byte[] b;
        private int pos;
        private int depth;

        Lexer(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        private int peek(int ahead) {
            return pos + ahead < b.length ? b[pos + ahead] & 0xFF : -1;
        }

        private void skipSpace() {
            while (pos < b.length) {
                int c = b[pos] & 0xFF;
                if (isWhite(c)) {
                    pos++;
                } else if (c == '%') {
                    while (pos < b.length && b[pos] != '\n' && b[pos] != '\r') {
                        pos++;
                    }
                } else {
                    return;
                }
            }
        }

        private Malformed error(String what) {
            return new Malformed(what + " at offset " + pos);
        }

        Obj object() throws Malformed {
            skipSpace();
            int c = peek(0);
            if (c < 0) {
                throw error("end of file inside the signature dictionary");
            }
            if (++depth > MAX_DEPTH) {
                throw error("objects nested too deep");
            }
            try {
                if (c == '<' && peek(1) == '<') {
                    return dictionary();
                } else if (c == '<') {
                    return hexString();
                } else if (c == '[') {
                    return array();
                } else if (c == '(') {
                    return literalString();
                } else if (c == '/') {
                    return name();
                } else if (isDelimiter(c)) {
                    throw error("unexpected '" + (char) c + "'");
                }
                return numberOrKeyword();
            } finally {
                depth--;
            }
        }

        private Obj dictionary() throws Malformed {
            Obj d = new Obj(Kind.DICT, pos);
            pos += 2;
            while (true) {
                skipSpace();
                if (peek(0) == '>' && peek(1) == '>') {
                    pos += 2;
                    d.end = pos;
                    return d;
                }
                Obj key = object();
                if (key.kind != Kind.NAME) {
                    throw error("a dictionary key is not a name");
                }
                Obj value = object();
                if (d.entries.put(key.text, value) != null) {
                    throw error("the key /" + key.text + " appears twice");
                }
                d.keyAt.put(key.text, key.start);
            }
        }

        private Obj array() throws Malformed {
            Obj a = new Obj(Kind.ARRAY, pos);
            pos++;
            while (true) {
                skipSpace();
                if (peek(0) == ']') {
                    pos++;
                    a.end = pos;
                    return a;
                }
                a.items.add(object());
            }
        }

        private Obj hexString() throws Malformed {
            Obj s = new Obj(Kind.HEX_STRING, pos);
            pos++;
            while (true) {
                int c = peek(0);
                if (c < 0) {
                    throw error("unterminated hex string");
                }
                pos++;
                if (c == '>') {
                    s.end = pos;
                    return s;
                }
                if (Character.digit(c, 16) < 0 && !isWhite(c)) {
                    throw error("'" + (char) c + "' in a hex string");
                }
            }
        }

        private Obj literalString() throws Malformed {
            Obj s = new Obj(Kind.STRING, pos);
            pos++;
            int open = 1;
            while (open > 0) {
                int c = peek(0);
                if (c < 0) {
                    throw error("unterminated literal string");
                }
                pos++;
                if (c == '\\') {
                    pos++; // the escaped byte, whatever it is
                } else if (c == '(') {
                    open++;
                } else if (c == ')') {
                    open--;
                }
            }
            s.end = pos;
            return s;
        }

        private Obj name() throws Malformed {
            Obj n = new Obj(Kind.NAME, pos);
            pos++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (pos < b.length && !isWhite(b[pos] & 0xFF) && !isDelimiter(b[pos] & 0xFF)) {
                int c = b[pos] & 0xFF;
                if (c == '#') {
                    int hi = Character.digit(peek(1), 16), lo = Character.digit(peek(2), 16);
                    if (hi < 0 || lo < 0) {
                        throw error("bad #-escape in a name");
                    }
                    out.write(hi << 4 | lo);
                    pos += 3;
                } else {
                    out.write(c);
                    pos++;
                }
            }
            n.end = pos;
            n.text = out.toString(StandardCharsets.ISO_8859_1);
            return n;
        }

        private Obj numberOrKeyword() {
            int start = pos;
            while (pos < b.length && !isWhite(b[pos] & 0xFF) && !isDelimiter(b[pos] & 0xFF)) {
                pos++;
            }
            String t = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
            boolean number = t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)");
            Obj o = new Obj(number ? Kind.NUMBER : Kind.KEYWORD, start);
            o.end = pos;
            o.text = t;
            if (number && t.matches("[0-9]+")) {
                // `num gen R`: an indirect reference.
                int save = pos;
                skipSpace();
                int genStart = pos;
                while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                    pos++;
                }
                int genEnd = pos;
                if (genEnd > genStart && (pos >= b.length || isWhite(b[pos] & 0xFF))) {
                    skipSpace();
                    if (peek(0) == 'R' && (peek(1) < 0 || isWhite(peek(1))
                            || isDelimiter(peek(1)))) {
                        pos++;
                        Obj ref = new Obj(Kind.REF, start);
                        ref.end = pos;
                        ref.text = t + " " + new String(b, genStart, genEnd - genStart,
                                StandardCharsets.ISO_8859_1) + " R";
                        return ref;
                    }
                }
                pos = save;
            }
            return o;
        }
    }
}
