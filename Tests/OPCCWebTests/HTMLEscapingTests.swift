import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Every template escapes with `HTMLText.escape` (the content type `HTML` each one names), public and staff pages.
@Suite("Web: what a page shows is escaped")
struct HTMLEscapingTests {
    static let typed = "x\"\u{301} onfocus=alert(1) autofocus \"<b>"

    /// Mustache's own escaping left a quote bare when a combining mark followed it, ending the search box's
    /// `value="…"` so that the rest of the text became the input's attributes.
    @Test(arguments: TestEngine.all) func aQuoteWithACombiningMarkInASearchBoxStaysInsideTheValue(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let escaped = HTMLText.escape(Self.typed)
            #expect(escaped.hasPrefix("x&quot;\u{301}"))
            for (page, reader) in [("/decisions", true), ("/register", false), ("/offices/cumbria/register", false)] {
                var anyone = Browser(client)
                let answer =
                    reader
                    ? try await officer.get("\(page)?q=\(HostileText.encoded(Self.typed))")
                    : try await anyone.get("\(page)?q=\(HostileText.encoded(Self.typed))")
                #expect(answer.status == .ok, "\(page)")
                #expect(answer.body.contains("value=\"\(escaped)\""), "\(page): the whole text inside the value")
                #expect(!answer.body.contains("\" onfocus=alert(1)"), "\(page)")
                #expect(!answer.body.contains("<b>"), "\(page)")
            }
        }
    }
}
