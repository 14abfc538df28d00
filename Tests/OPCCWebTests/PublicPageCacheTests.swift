import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import PropertyBased
import Synchronization
import Testing

@testable import OPCCWeb

/// Public pages kept for a moment (`PublicPageCache`): made once for many visitors, never served after this process
/// has committed a change, never kept past their lifetime, never kept for a signed-in person.
@Suite("Web: public pages kept for a moment")
struct PublicPageCacheTests {
    static let second: UInt64 = 1_000_000_000

    /// A page maker that counts how often it was asked.
    final class Maker: Sendable {
        let made = Mutex(0)
        func page(_ text: String) -> PublicPageCache.Answer {
            made.withLock { $0 += 1 }
            return .page(text)
        }
        var count: Int { made.withLock { $0 } }
    }

    func body(_ response: Response) async throws -> String {
        var collected = ByteBuffer()
        let writer = CollectingWriter { collected.writeImmutableBuffer($0) }
        try await response.body.write(writer)
        return String(buffer: collected)
    }

    @Test func aPageIsMadeOnceForEveryoneWithinItsLifetimeAndAgainAfter() async throws {
        let cache = PublicPageCache(lifetimeSeconds: 1, commits: CommitCounter())
        let pages = try Pages()
        let maker = Maker()
        for now in [0, Self.second / 2, Self.second - 1] {
            let answer = try await cache.response("/register", signedIn: false, pages: pages, now: now) {
                maker.page("<p>one</p>")
            }
            #expect(try await body(answer) == "<p>one</p>")
            #expect(answer.status == .ok)
        }
        #expect(maker.count == 1)
        _ = try await cache.response("/register", signedIn: false, pages: pages, now: Self.second) {
            maker.page("<p>two</p>")
        }
        #expect(maker.count == 2, "made again once its lifetime is over")
    }

    /// When a page's lifetime is over, the first request makes it again and the others are given the kept one
    /// meanwhile, so that many visitors at that moment do not all make it.
    @Test func whileOneRequestMakesAnExpiredPageAgainTheOthersAreGivenTheKeptOne() async throws {
        let cache = PublicPageCache(lifetimeSeconds: 1, commits: CommitCounter())
        let pages = try Pages()
        let maker = Maker()
        _ = try await cache.response("/register", signedIn: false, pages: pages, now: 0) { maker.page("A") }
        let second = Self.second
        let remade = try await cache.response("/register", signedIn: false, pages: pages, now: second + 1) {
            // Another visitor while this one is making the page again: the kept page, nothing made.
            let meanwhile = try await cache.response("/register", signedIn: false, pages: pages, now: second + 2) {
                maker.page("made by the second visitor")
            }
            #expect(try await body(meanwhile) == "A")
            return maker.page("B")
        }
        #expect(try await body(remade) == "B")
        let after = try await cache.response("/register", signedIn: false, pages: pages, now: second + 3) {
            maker.page("C")
        }
        #expect(try await body(after) == "B")
        #expect(maker.count == 2)
        // Another lifetime on, with no one making it again, the kept page is not given: it is made.
        _ = try await cache.response("/register", signedIn: false, pages: pages, now: 3 * second + 4) {
            maker.page("D")
        }
        #expect(maker.count == 3)
    }

    /// A request that fails to make a page again leaves it to the next one.
    @Test func aFailedRemakeLeavesThePageToTheNextRequest() async throws {
        struct Failed: Error {}
        let cache = PublicPageCache(lifetimeSeconds: 1, commits: CommitCounter())
        let pages = try Pages()
        let maker = Maker()
        _ = try await cache.response("/register", signedIn: false, pages: pages, now: 0) { maker.page("A") }
        await #expect(throws: Failed.self) {
            _ = try await cache.response("/register", signedIn: false, pages: pages, now: Self.second) {
                throw Failed()
            }
        }
        let next = try await cache.response("/register", signedIn: false, pages: pages, now: Self.second + 1) {
            maker.page("B")
        }
        #expect(try await body(next) == "B")
    }

    @Test(arguments: TestEngine.all) func aCommitThroughThisProcessIsShownAtOnce(engine: TestEngine) async throws {
        let app = try commissioning(over: try await engine.makeStore())
        let cache = PublicPageCache(lifetimeSeconds: 60, commits: app.commits)
        let pages = try Pages()
        let maker = Maker()
        _ = try await cache.response("/register/X", signedIn: false, pages: pages, now: 0) { maker.page("before") }
        try await app.store.write { _ in }
        let after = try await cache.response("/register/X", signedIn: false, pages: pages, now: 1) {
            maker.page("after")
        }
        #expect(try await body(after) == "after")
        #expect(maker.count == 2)
    }

    @Test func aSignedInPersonsPageIsNeverKept() async throws {
        let cache = PublicPageCache(lifetimeSeconds: 60, commits: CommitCounter())
        let pages = try Pages()
        let maker = Maker()
        for _ in 0..<2 {
            _ = try await cache.response("/register", signedIn: true, pages: pages, now: 0) { maker.page("mine") }
        }
        #expect(maker.count == 2)
        #expect(cache.count == 0)
    }

    @Test func anAnswerOtherThanAPageIsNeverKept() async throws {
        let cache = PublicPageCache(lifetimeSeconds: 60, commits: CommitCounter())
        let pages = try Pages()
        let made = Mutex(0)
        for _ in 0..<2 {
            let answer = try await cache.response("/register/none", signedIn: false, pages: pages, now: 0) {
                made.withLock { $0 += 1 }
                return .other(pages.html("gone", status: .notFound))
            }
            #expect(answer.status == .notFound)
        }
        #expect(made.withLock { $0 } == 2)
        #expect(cache.count == 0)
    }

    @Test func aLifetimeOfNoSecondsKeepsNothing() async throws {
        let cache = PublicPageCache(lifetimeSeconds: 0, commits: CommitCounter())
        let pages = try Pages()
        let maker = Maker()
        for _ in 0..<2 {
            _ = try await cache.response("/register", signedIn: false, pages: pages, now: 0) { maker.page("x") }
        }
        #expect(maker.count == 2)
    }

    @Test func theCacheNeverHoldsMoreThanItsCapacity() async throws {
        let cache = PublicPageCache(lifetimeSeconds: 60, commits: CommitCounter(), capacity: 8)
        let pages = try Pages()
        let maker = Maker()
        for i in 0..<50 {
            _ = try await cache.response("/register?q=\(i)", signedIn: false, pages: pages, now: 0) {
                maker.page("\(i)")
            }
            #expect(cache.count <= 8)
        }
    }

    /// Keys are what visitors type in the address (a search's query): any text is its own key, never another's.
    @Test func everyAddressGetsItsOwnPageWhateverItsText() async throws {
        let pages = try Pages()
        await propertyCheck(count: 100, input: HostileText.text, HostileText.text) { a, b in
            let cache = PublicPageCache(lifetimeSeconds: 60, commits: CommitCounter())
            _ = try? await cache.response(a, signedIn: false, pages: pages, now: 0) { .page("A") }
            let answer = try? await cache.response(b, signedIn: false, pages: pages, now: 0) { .page("B") }
            var text: String?
            if let answer { text = try? await body(answer) }
            #expect(text == (a == b ? "A" : "B"))
        }
    }

    /// Through the server: the public register is the same page from the cache, and a decision published through
    /// this server is on it at once.
    @Test(arguments: TestEngine.all) func theRegisterShowsAPublicationThroughThisServerAtOnce(
        engine: TestEngine
    ) async throws {
        let commissioning = try await sharedApp(engine)
        let app = try await webApp(engine: engine, commissioning: commissioning)
        let word = "Kestrelcache\(engine)"
        try await app.test(.router) { client in
            var anyone = Browser(client)
            let path = "/offices/cumbria/register?q=\(word)"
            let first = try await anyone.get(path)
            let again = try await anyone.get(path)
            #expect(first.status == .ok && again.body == first.body)
            #expect(!first.body.contains("\(word) youth"), "no record yet: only the search box holds the word")
            let id = try await publishedCumbria(commissioning, title: "\(word) youth diversion")
            let after = try await anyone.get(path)
            #expect(after.body.contains("/register/\(id)"))
        }
    }
}

/// A writer that hands each buffer to `collect`.
struct CollectingWriter: ResponseBodyWriter {
    let collect: (ByteBuffer) -> Void
    mutating func write(_ buffer: ByteBuffer) async throws { collect(buffer) }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
