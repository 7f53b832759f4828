package io.etcdj.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlSubsetTest {

    @Test
    void scalarsResolveAsGoYamlV2() {
        assertNull(YamlSubset.resolvePlain("~"));
        assertNull(YamlSubset.resolvePlain("null"));
        assertEquals(true, YamlSubset.resolvePlain("yes"));
        assertEquals(true, YamlSubset.resolvePlain("On"));
        assertEquals(false, YamlSubset.resolvePlain("off"));
        assertEquals(false, YamlSubset.resolvePlain("N"));
        assertEquals(BigInteger.valueOf(16), YamlSubset.resolvePlain("0x10"));
        assertEquals(BigInteger.valueOf(8), YamlSubset.resolvePlain("010"));
        assertEquals(BigInteger.valueOf(-5), YamlSubset.resolvePlain("-5"));
        assertEquals(BigInteger.valueOf(1000), YamlSubset.resolvePlain("1_000"));
        assertEquals(new BigInteger("18446744073709551615"), YamlSubset.resolvePlain("18446744073709551615"));
        assertEquals(1000.0, YamlSubset.resolvePlain("1e3"));
        assertEquals(0.5, YamlSubset.resolvePlain(".5"));
        assertEquals(Double.POSITIVE_INFINITY, YamlSubset.resolvePlain(".inf"));
        assertEquals("1.2.3.4", YamlSubset.resolvePlain("1.2.3.4"));
        assertEquals("http://x:1", YamlSubset.resolvePlain("http://x:1"));
        assertEquals("10ms", YamlSubset.resolvePlain("10ms"));
    }

    @Test
    void documentStructure() throws Exception {
        Map<String, Object> doc = YamlSubset.parse("""
                ---
                # comment
                a: 'it''s'   # trailing comment
                b: "tab\\tquote\\" hash # not a comment"
                c:
                d: [x, "y, z", 3,]
                e: [
                  TLS_A,
                  TLS_B
                ]
                f:
                  - one
                  - 2
                g:
                  h: true
                  i: "#x"
                url: http://a:1#frag
                """);
        assertEquals("it's", doc.get("a"));
        assertEquals("tab\tquote\" hash # not a comment", doc.get("b"));
        assertTrue(doc.containsKey("c"));
        assertNull(doc.get("c"));
        assertEquals(Arrays.asList("x", "y, z", BigInteger.valueOf(3)), doc.get("d"));
        assertEquals(List.of("TLS_A", "TLS_B"), doc.get("e"));
        assertEquals(List.of("one", BigInteger.TWO), doc.get("f"));
        assertEquals(Map.of("h", true, "i", "#x"), doc.get("g"));
        assertEquals("http://a:1#frag", doc.get("url"));
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "url"), List.copyOf(doc.keySet()));
    }

    @Test
    void emptyDocumentAndRepeatedKeys() throws Exception {
        assertEquals(Map.of(), YamlSubset.parse("# nothing\n\n"));
        assertEquals(Map.of("a", "2"), YamlSubset.parse("a: '1'\na: '2'\n"));
    }

    private static String error(String yaml) {
        return assertThrows(YamlSubset.YamlException.class, () -> YamlSubset.parse(yaml)).getMessage();
    }

    @Test
    void constructsOutsideTheSubset() {
        assertEquals("yaml: line 1: etcdj reads only a subset of YAML: anchors and aliases are not supported",
                error("a: &x 1\n"));
        assertEquals("yaml: line 1: etcdj reads only a subset of YAML: tags are not supported", error("a: !!str 1\n"));
        assertEquals("yaml: line 1: etcdj reads only a subset of YAML: flow mappings are not supported",
                error("a: {b: 1}\n"));
        assertEquals("yaml: line 3: etcdj reads only a subset of YAML: mappings nested more than one level are not "
                + "supported", error("a:\n  b:\n    c: 1\n"));
        assertEquals("yaml: line 2: etcdj reads only a subset of YAML: multi-line scalars are not supported",
                error("a: x\n  y\n"));
        assertEquals("yaml: line 1: etcdj reads only a subset of YAML: the document must be a mapping",
                error("- a\n"));
        assertEquals("yaml: line 2: etcdj reads only a subset of YAML: several documents are not supported",
                error("a: 1\n---\nb: 2\n"));
        assertEquals("yaml: line 1: could not find expected ':'", error("just text\n"));
        assertEquals("yaml: line 1: found unexpected end of stream while scanning a quoted scalar", error("a: 'x\n"));
        assertEquals("yaml: line 1: found character that cannot start any token", error("\ta: 1\n"));
    }
}
