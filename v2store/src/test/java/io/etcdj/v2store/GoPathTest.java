package io.etcdj.v2store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Cases from Go's path package tests, for the subset etcd relies on. */
class GoPathTest {
    @Test
    void cleanMatchesGo() {
        String[][] cases = {
                {"", "."}, {"abc", "abc"}, {"abc/def", "abc/def"}, {"a/b/c", "a/b/c"}, {".", "."}, {"..", ".."},
                {"../..", "../.."}, {"../../abc", "../../abc"}, {"/abc", "/abc"}, {"/", "/"},
                {"abc/", "abc"}, {"abc/def/", "abc/def"}, {"a/b/c/", "a/b/c"}, {"./", "."}, {"../", ".."},
                {"../../", "../.."}, {"/abc/", "/abc"}, {"abc//def//ghi", "abc/def/ghi"}, {"//abc", "/abc"},
                {"///abc", "/abc"}, {"//abc//", "/abc"}, {"abc//", "abc"}, {"abc/./def", "abc/def"},
                {"/./abc/def", "/abc/def"}, {"abc/.", "abc"}, {"abc/def/ghi/../jkl", "abc/def/jkl"},
                {"abc/def/../ghi/../jkl", "abc/jkl"}, {"abc/def/..", "abc"}, {"abc/def/../..", "."},
                {"/abc/def/../..", "/"}, {"abc/def/../../..", ".."}, {"/abc/def/../../..", "/"},
                {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"}, {"abc/./../def", "def"},
                {"abc//./../def", "def"}, {"abc/../../././../def", "../../def"}, {"/..", "/"}, {"/.../x", "/.../x"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], GoPath.clean(c[0]), c[0]);
        }
    }

    @Test
    void joinSplitAndAbsolute() {
        assertEquals("/foo", GoPath.join("/", "foo"));
        assertEquals("/", GoPath.join("/", ""));
        assertEquals("/a/b", GoPath.join("/a", "b"));
        assertEquals("/a/", GoPath.dir("/a/b"));
        assertEquals("b", GoPath.base("/a/b"));
        assertEquals("/", GoPath.dir("/"));
        assertEquals("", GoPath.base("/"));
        assertEquals("/", GoPath.cleanAbsolute(""));
        assertEquals("/a", GoPath.cleanAbsolute("a/"));
        assertEquals("/", GoPath.cleanAbsolute("../.."));
    }

    @Test
    void compareIsCodePointOrder() {
        // U+FF5E (one UTF-16 unit) sorts before U+1F600 in UTF-8/code point order, after it in UTF-16 order.
        assertTrue(GoPath.compare("\uff5e", "\ud83d\ude00") < 0);
        assertTrue("\uff5e".compareTo("\ud83d\ude00") > 0);
        assertTrue(GoPath.compare("a", "ab") < 0);
        assertEquals(0, GoPath.compare("ab", "ab"));
    }
}
