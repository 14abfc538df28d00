import Foundation
import PropertyBased
import Testing

@testable import OPCCCore

/// `HTMLText.escape`, the escaping of every value a page shows.
@Suite("HTML text: escaping")
struct HTMLTextTests {
    @Test func theFiveMarkupCharactersAreReplacedByTheirReferences() {
        #expect(
            HTMLText.escape(#"<a href="x" title='y'>&</a>"#)
                == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(HTMLText.escape("Café £5,000 — “quoted”") == "Café £5,000 — “quoted”")
        #expect(HTMLText.escape("") == "")
    }

    /// Mustache's own escaping compared `Character`s: a quote and a combining mark are one `Character`, which was
    /// not a quote to it, so the quote stayed bare and ended the attribute value it stood in.
    @Test func aQuoteFollowedByACombiningMarkIsStillEscaped() {
        #expect(
            HTMLText.escape("x\"\u{301} onfocus=alert(1) autofocus \"")
                == "x&quot;\u{301} onfocus=alert(1) autofocus &quot;")
        #expect(HTMLText.escape("'\u{20DD}") == "&#39;\u{20DD}")
        #expect(HTMLText.escape("<\u{338}") == "&lt;\u{338}")
    }

    /// Any text: no markup character survives, and replacing the references back gives the text typed.
    @Test func anyTextEscapesToTextWithoutMarkupThatReadsBackAsItself() async {
        await propertyCheck(count: 3_000, input: HostileText.text) { text in
            let escaped = HTMLText.escape(text)
            #expect(!escaped.unicodeScalars.contains { "<>\"'".unicodeScalars.contains($0) })
            let unescaped = Self.unescaped(escaped)
            #expect(Array(unescaped.unicodeScalars) == Array(text.unicodeScalars))
        }
    }

    /// The five references replaced back, scalar by scalar (String's own search compares `Character`s, so it would
    /// miss `&amp;` followed by a combining mark, as Mustache's escaping missed a quote).
    static func unescaped(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)[...]
        var out = String.UnicodeScalarView()
        let references: [(String, Unicode.Scalar)] = [
            ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&"),
        ]
        outer: while let first = scalars.first {
            for (reference, scalar) in references where scalars.starts(with: reference.unicodeScalars) {
                out.append(scalar)
                scalars = scalars.dropFirst(reference.unicodeScalars.count)
                continue outer
            }
            out.append(first)
            scalars = scalars.dropFirst()
        }
        return String(out)
    }
}
