package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The grammar, the parser and repair, now built on one walker of entropy-coded data ({@link ScanBytes}) and one
 * block decoder ({@link CoefficientDecoder}), behave exactly as the three scanners before them (kept as the
 * {@code Legacy*} oracles): the grammar refuses the same byte of every input, the parser fails with the same
 * problem and message or finds the same segments and intervals, and repair writes the same bytes and report.
 * Inputs: encoder output, streams written symbol by symbol with rare and invalid symbols mixed in, and random data
 * after the header, for five layouts, with the standard tables, tables that code every symbol (so undefined and
 * non-canonical symbols occur) and tables of a few short code words (so most bit patterns are none), mutated.
 */
class ScanOracleProperties {
    private static final List<JpegProfile> PROFILES = JpegSyntaxTest.profiles();

    /** Every DC category 0..15 as a 4-bit code word, every AC symbol but 0xFF as an 8-bit one (at most 255). */
    private static final JpegTables EVERY_SYMBOL = everySymbol();

    /** A few short code words, so most bit patterns are no code word from the second bit on. */
    private static final JpegTables FEW_SYMBOLS = fewSymbols();

    /** One layout and table set, its seed streams and both grammars. */
    record Layout(
            JpegProfile profile, JpegTables tables, List<byte[]> seeds, JpegSyntax syntax, LegacyJpegSyntax legacy) {
        Layout(JpegProfile profile, JpegTables tables, List<byte[]> seeds) {
            this(profile, tables, seeds, new JpegSyntax(profile, tables), new LegacyJpegSyntax(profile, tables));
        }

        @Override
        public String toString() {
            String codes =
                    tables == EVERY_SYMBOL ? ", every symbol coded" : tables == FEW_SYMBOLS ? ", few symbols" : "";
            return profile + codes;
        }
    }

    private static final List<Layout> LAYOUTS = layouts();

    private static JpegTables everySymbol() {
        List<HuffmanTable> huffman = new ArrayList<>();
        int[] dcCounts = new int[16], acCounts = new int[16];
        dcCounts[3] = 16;
        acCounts[7] = 255;
        for (int id = 0; id < 2; id++) {
            huffman.add(new HuffmanTable(0, id, dcCounts, IntStream.range(0, 16).toArray()));
            huffman.add(
                    new HuffmanTable(1, id, acCounts, IntStream.range(0, 255).toArray()));
        }
        return new JpegTables(JpegTables.forQuality(50).quantTables(), huffman);
    }

    private static JpegTables fewSymbols() {
        int[] dcCounts = new int[16], acCounts = new int[16];
        dcCounts[1] = 2; // 00, 01
        acCounts[1] = 2; // 00, 01
        acCounts[2] = 2; // 100, 101
        List<HuffmanTable> huffman = new ArrayList<>();
        for (int id = 0; id < 2; id++) {
            huffman.add(new HuffmanTable(0, id, dcCounts, new int[] {0, 1}));
            huffman.add(new HuffmanTable(1, id, acCounts, new int[] {0x00, 0x01, 0xF0, 0x11}));
        }
        return new JpegTables(JpegTables.forQuality(50).quantTables(), huffman);
    }

    private static List<Layout> layouts() {
        List<Layout> out = new ArrayList<>();
        Random r = new Random(11);
        for (JpegProfile p : PROFILES) {
            out.add(new Layout(p, p.tables(), JpegSyntaxTest.streams(p).subList(0, 6)));
            // Streams in the other tables: random data made canonical by repair.
            List<byte[]> odd = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] noise = new byte[64 + r.nextInt(400)];
                r.nextBytes(noise);
                odd.add(new JpegRepair(p, EVERY_SYMBOL).repair(concat(JpegStreams.header(p), noise)).stream());
            }
            out.add(new Layout(p, EVERY_SYMBOL, odd));
            byte[] few = new JpegRepair(p, FEW_SYMBOLS).repair(odd.getFirst()).stream();
            out.add(new Layout(p, FEW_SYMBOLS, List.of(few)));
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** An input: a layout and bytes meant for it. */
    record Case(Layout layout, byte[] bytes) {
        @Override
        public String toString() {
            return layout + ": " + HexFormat.of().formatHex(bytes);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Layout> layouts = Arbitraries.of(LAYOUTS);
        Arbitrary<JpegFuzzProperties.Mutation> edit = Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(0, 255))
                .as(JpegFuzzProperties.Mutation::new);
        Arbitrary<List<JpegFuzzProperties.Mutation>> edits = edit.list().ofMaxSize(6);
        Arbitrary<Case> mutated = Combinators.combine(
                        layouts, Arbitraries.integers().between(0, 5), edits)
                .as((l, seed, ms) -> {
                    byte[] b = l.seeds().get(seed % l.seeds().size());
                    for (JpegFuzzProperties.Mutation m : ms) b = m.apply(b);
                    return new Case(l, b);
                });
        // Mostly 0xFF, 0x00 and marker codes after the header: the walker's hardest input.
        Arbitrary<byte[]> markerish = Arbitraries.of(
                        (byte) 0xFF,
                        (byte) 0x00,
                        (byte) 0xD0,
                        (byte) 0xD1,
                        (byte) 0xD9,
                        (byte) 0xC4,
                        (byte) 0x28,
                        (byte) 0xA2,
                        (byte) 0x8A)
                .array(byte[].class)
                .ofMaxSize(200);
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<Case> tails = Combinators.combine(layouts, Arbitraries.oneOf(markerish, random))
                .as((l, tail) -> new Case(l, concat(JpegStreams.header(l.profile()), tail)));
        Arbitrary<Case> symbols = Combinators.combine(
                        layouts, Arbitraries.longs(), edit.list().ofMaxSize(2))
                .as((l, seed, ms) -> {
                    byte[] b = symbolStream(l, new Random(seed));
                    for (JpegFuzzProperties.Mutation m : ms) b = m.apply(b);
                    return new Case(l, b);
                });
        return Arbitraries.frequencyOf(Tuple.of(2, mutated), Tuple.of(1, tails), Tuple.of(3, symbols));
    }

    /**
     * A stream written symbol by symbol as an encoder would, but with the rare symbols an encoder never writes
     * mixed in: DC categories above 11, r/0 symbols, sizes above 10, runs past coefficient 63, a ZRL reaching
     * 63, EOB right after a ZRL, bits that are no code word; and intervals cut short or left out.
     */
    static byte[] symbolStream(Layout l, Random r) {
        Frame frame =
                l.profile().subsampling().frame(l.profile().width(), l.profile().height());
        ScanHeader scan = ScanHeader.forFrame(frame);
        List<LegacyHuffmanCode[]> blocks = new ArrayList<>();
        for (int c = 0; c < frame.components().size(); c++) {
            ScanHeader.Component sc = scan.components().get(c);
            var codes = new LegacyHuffmanCode[] {
                new LegacyHuffmanCode(l.tables().dc(sc.dc())),
                new LegacyHuffmanCode(l.tables().ac(sc.ac()))
            };
            Frame.Component fc = frame.components().get(c);
            for (int i = 0; i < (frame.components().size() == 1 ? 1 : fc.h() * fc.v()); i++) blocks.add(codes);
        }
        var out = new ByteSink(1024);
        out.write(JpegStreams.header(l.profile()));
        int mcus = frame.mcuCount(), interval = l.profile().restartInterval();
        var bits = new BitWriter(out);
        for (int m = 0; m < mcus; m++) {
            for (LegacyHuffmanCode[] codes : blocks) {
                if (!block(codes[0], codes[1], bits, r)) break;
            }
            boolean last = m + 1 == mcus;
            if (last || (interval > 0 && (m + 1) % interval == 0)) {
                bits.flush();
                if (r.nextInt(40) == 0) continue; // a marker left out
                out.write(0xFF);
                out.write(last ? Markers.EOI : Markers.rst((m + 1) / interval - 1));
            }
            if (r.nextInt(60) == 0) break; // the stream stops
        }
        return out.toByteArray();
    }

    /** Writes one block; false after a fault an encoder would never write (then the MCU is cut short). */
    private static boolean block(LegacyHuffmanCode dc, LegacyHuffmanCode ac, BitWriter bits, Random r) {
        int category = r.nextInt(30) == 0 ? 12 + r.nextInt(4) : r.nextInt(r.nextBoolean() ? 3 : 12);
        if (!write(dc, category, bits, r) || category > 11) return false;
        int k = 1;
        while (k < 64) {
            int pick = r.nextInt(100);
            int symbol;
            if (pick < 55) symbol = r.nextInt(Math.min(16, 64 - k)) << 4 | 1 + r.nextInt(r.nextBoolean() ? 2 : 10);
            else if (pick < 70) symbol = 0xF0;
            else if (pick < 88) symbol = 0x00;
            else if (pick < 91) symbol = (1 + r.nextInt(14)) << 4; // r/0: undefined
            else if (pick < 94) symbol = (r.nextInt(16) << 4) | (11 + r.nextInt(5)); // size above 10
            else if (pick < 97) symbol = (15 << 4) | 1; // may run past 63
            else {
                bits.put(0xFFFF, 1 + r.nextInt(16)); // likely no code word
                return false;
            }
            if (symbol == 0xF0 && k + 16 > 64 && r.nextBoolean()) symbol = 0x00;
            if (!write(ac, symbol, bits, r)) return false;
            int run = symbol >> 4, size = symbol & 15;
            if (size == 0 && run != 15) return true; // EOB, or an r/0 libjpeg reads as one
            k += size == 0 ? 16 : run + 1;
            if (size > 10 || k > 64) return false;
        }
        return true;
    }

    /** Writes symbol and random magnitude bits (as many as its size) if the code has it; false if not. */
    private static boolean write(LegacyHuffmanCode code, int symbol, BitWriter bits, Random r) {
        if (!code.has(symbol)) return false;
        code.encode(bits, symbol);
        int size = symbol & 15;
        if (size > 0) bits.put(r.nextInt(1 << size), size);
        return true;
    }

    @Property(tries = 3000)
    void grammarRefusesTheSameByteAsBefore(@ForAll("cases") Case c) {
        JpegSyntax.State now = c.layout().syntax().start();
        LegacyJpegSyntax.State before = c.layout().legacy().start();
        for (int i = 0; i < c.bytes().length; i++) {
            int b = c.bytes()[i] & 0xFF;
            boolean ok = now.advance(b);
            assertEquals(before.advance(b), ok, "byte " + i);
            assertEquals(before.mcusDone(), now.mcusDone(), "MCUs after byte " + i);
            assertEquals(before.isComplete(), now.isComplete(), "complete after byte " + i);
            if (!ok) return;
        }
    }

    @Property(tries = 2000)
    void parserFindsTheSameAsBefore(@ForAll("cases") Case c) {
        String now = parse(() -> JpegParser.parse(c.bytes()));
        String before = parse(() -> LegacyJpegParser.parse(c.bytes()));
        assertEquals(before, now);
    }

    /** What parsing gives, as text: the problem and message, or the segments, MCU index and end. */
    private static String parse(Supplier<JpegFile> parse) {
        try {
            JpegFile f = parse.get();
            McuIndex idx = f.mcuIndex();
            var sb = new StringBuilder(f.segments() + " " + f.frame() + " " + f.scan() + " " + f.end() + " " + idx);
            for (int i = 0; i < idx.intervalCount(); i++)
                sb.append(' ').append(idx.start(i)).append('-').append(idx.end(i));
            return sb.toString();
        } catch (JpegFormatException e) {
            return e.problem() + ": " + e.getMessage();
        }
    }

    @Property(tries = 2000)
    void repairWritesTheSameAsBefore(@ForAll("cases") Case c) {
        JpegProfile p = c.layout().profile();
        JpegRepair.Result now = new JpegRepair(p, c.layout().tables()).repair(c.bytes());
        LegacyJpegRepair.Result before = new LegacyJpegRepair(p, c.layout().tables()).repair(c.bytes());
        assertEquals(before.report(), now.report());
        assertArrayEquals(before.stream(), now.stream());
        assertArrayEquals(before.jpeg(), now.jpeg());
    }
}
