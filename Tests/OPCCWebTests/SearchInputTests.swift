import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

@testable import OPCCWeb

/// What no page or problem document may contain: SQL, or SQLite's or GRDB's own words.
let storeLeaks = [
    "SQLite error", "syntax error", "fts5", "while executing", "SELECT ", "FROM decision", "decision_fts",
    "DatabaseError", "GRDB",
]

/// Arbitrary Unicode with the pieces a query language would read as syntax mixed in.
enum HostileText {
    static let fragments = [
        "\u{0}", "\"", "'", "*", "(", ")", "NEAR", "NOT", "OR", "AND", "^", ":", "-", "+", "/", "\\", "{", "}",
        "\u{202E}", "\u{2066}", "\u{200F}", "\u{200D}", "\u{FEFF}", " ", "\n", "\r\n", "\t", "014/2016", "44/2020",
        "WMPCC", "é", "e\u{301}", "\u{301}", "😀", "🇬🇧", "日本", "٣", "%", "&", "=", "#", "?", "<b>", "£", "2016/17",
        "'; DROP TABLE decision_record; --", "\u{7F}", "\u{FFFD}", "Mire", "a", "true", "1",
    ]
    /// Any scalar of the whole Unicode range (a surrogate code point, which is no scalar, becomes U+FFFD).
    static let scalar = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
    static let piece = Gen.oneOf(Gen.element(of: fragments).map { $0 ?? "" }, scalar)
    static let short = piece.array(of: 0...12).map { $0.joined() }
    static let long = zip(piece, Gen.int(in: 200...1_500)).map { String(repeating: $0 + " ", count: $1) }
    static let text = Gen.frequency((8, short), (1, long))

    /// Every byte but ASCII letters and digits percent-encoded, so any text travels in a query string.
    static func encoded(_ text: String) -> String {
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return text.addingPercentEncoding(withAllowedCharacters: plain) ?? ""
    }
}

@Suite("Web and API: search is text; no answer shows SQL")
struct SearchInputTests {
    static let issueSearches = [
        "014/2016", "WPC4-0045", "Kick Off @ 3", "\"Mire", "NOT", "a OR", "NEAR(a b", "*", "\u{0}", "Mire\u{0}house",
    ]

    @Test(arguments: TestEngine.all) func theIssuesSearchesAnswerTheRegisterInTheAPIAndOnTheWeb(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let api = try await APIClient(client, as: "cumbria.officer", engine: engine)
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            for text in Self.issueSearches {
                let answer = try await api.get("/api/v1/decisions?search=\(HostileText.encoded(text))")
                #expect(answer.status == .ok, "\(text.debugDescription): \(answer.body)")
                let page = try await officer.get("/decisions?q=\(HostileText.encoded(text))")
                #expect(page.status == .ok, "\(text.debugDescription)")
            }
            let byNumber = try await api.get("/api/v1/decisions?search=14%2F2016")
            #expect(byNumber.items.contains { $0["number"] as? String == "014/2016" })
            let page = try await officer.get("/decisions?q=14%2F2016")
            #expect(page.body.contains("014/2016"))
        }
    }

    // SQLite only: it drops SQLite's search table through a GRDB connection to the file.
    @Test func anUnexpectedStoreErrorIsAGenericAnswerWithoutSQL() async throws {
        let (commissioning, path) = await makeDemoDatabase(returns: false)
        try await DatabaseQueue(path: path).write { try $0.execute(sql: "DROP TABLE decision_fts") }
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            let token = try await commissioning.createAPIToken(label: "store-error", by: "cumbria.officer").token
            let answer = try await client.execute(
                uri: "/api/v1/decisions?search=Mirehouse", method: .get, headers: [.authorization: "Bearer \(token)"])
            let problem = String(buffer: answer.body)
            #expect(answer.status == .internalServerError)
            #expect(problem.contains("\"rule\":\"database-failed\""), "\(problem)")
            #expect(problem.contains("the database could not answer"))

            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let response = try await client.execute(
                uri: "/decisions?q=Mirehouse", method: .get,
                headers: [.cookie: "opcc_session=\(officer.cookie ?? "")"])
            let page = String(buffer: response.body)
            #expect(response.status == .internalServerError)
            #expect(page.contains("Sorry, there is a problem."))
            for leak in storeLeaks {
                #expect(!problem.contains(leak), "\(leak)")
                #expect(!page.contains(leak), "\(leak)")
            }
        }
    }

    /// Every query parameter of every list the API answers (filters, search and paging), each given any text.
    static let apiParameters: [(path: String, name: String)] = API.operations.filter {
        $0.method == .get && $0.pathParameters.isEmpty
    }.flatMap { operation in
        (operation.query.map(\.name) + (operation.paginated ? ["limit", "offset"] : [])).map { (operation.path, $0) }
    }

    /// Every filter of the staff pages and the public register (which takes none: its parameters are ignored).
    static let webParameters: [(user: String?, path: String, name: String)] = [
        ("cumbria.officer", "/decisions", "q"), ("cumbria.officer", "/decisions", "status"),
        ("cumbria.officer", "/decisions", "year"), ("cumbria.officer", "/decisions", "overdue"),
        ("cumbria.officer", "/returns", "status"), ("cumbria.officer", "/returns", "grant"),
        ("cumbria.finance", "/finance", "year"), ("cumbria.finance", "/finance/allocations", "year"),
        ("cumbria.finance", "/finance/reconciliation.csv", "year"),
        (nil, "/transparency/360giving.json", "office"), (nil, "/transparency/360giving.json", "month"),
        (nil, "/transparency/360giving.json", "year"), (nil, "/register", "q"),
    ]

    @Test(arguments: TestEngine.all) func anyTextInAnyFilterOfTheAPIOrTheWebIsAnAnswerNeverAServerErrorOrSQL(
        engine: TestEngine
    ) async throws {
        #expect(Self.apiParameters.count >= 20)
        #expect(Self.apiParameters.contains { $0.path == "/api/v1/decisions" && $0.name == "search" })
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let api = try await APIClient(client, as: "cumbria.finance", engine: engine)
            var browsers: [String: Browser] = [:]
            for user in Set(Self.webParameters.compactMap(\.user)) {
                var browser = Browser(client)
                _ = try await browser.signIn(user)
                browsers[user] = browser
            }
            var visitor = Browser(client)
            await propertyCheck(count: 25, input: HostileText.text) { text in
                let value = HostileText.encoded(text)
                for (path, name) in Self.apiParameters {
                    let answer = try await api.get("\(path)?\(name)=\(value)")
                    #expect(answer.status.code < 500, "\(path)?\(name)=\(text.debugDescription)")
                    for leak in storeLeaks { #expect(!answer.body.contains(leak), "\(path)?\(name): \(leak)") }
                }
                for (user, path, name) in Self.webParameters {
                    var browser = user.flatMap { browsers[$0] } ?? visitor
                    let page = try await browser.get("\(path)?\(name)=\(value)")
                    if let user { browsers[user] = browser } else { visitor = browser }
                    #expect(page.status.code < 500, "\(path)?\(name)=\(text.debugDescription)")
                    for leak in storeLeaks { #expect(!page.body.contains(leak), "\(path)?\(name): \(leak)") }
                }
            }
        }
    }
}
