import Foundation
import Hummingbird
import OPCCServices
import Synchronization

/// Public pages kept for a moment (`opcc serve --public-cache-seconds`, 1 by default; 0 keeps none): the notice of a
/// published decision and the public registers, as the public sees them (a visitor with no session), so that a page
/// many people open at once is made once a second rather than once a request. A page is kept with the count of this
/// process's commits read before it was made (`CommitCounter`), and is not served once that count has moved, so a
/// change made through this server shows at once; a change made by another process on the same database (the CLI, a
/// second server) shows within the lifetime. Only whole answers of 200 are kept, at most `capacity` of them; a full
/// cache is emptied, not grown.
final class PublicPageCache: Sendable {
    private struct Entry {
        let html: String
        let commits: Int
        let madeAtNanoseconds: UInt64
    }

    private let entries = Mutex<[String: Entry]>([:])
    let lifetimeNanoseconds: UInt64
    let capacity: Int
    private let commits: CommitCounter

    init(lifetimeSeconds: Double, commits: CommitCounter, capacity: Int = 256) {
        lifetimeNanoseconds = UInt64(max(0, lifetimeSeconds) * 1e9)
        self.commits = commits
        self.capacity = max(1, capacity)
    }

    /// What a public route makes: a page (kept) or any other answer (not kept).
    enum Answer {
        case page(String)
        case other(Response)
    }

    /// The page at `key` (a request's path and query) for `context`'s visitor: kept, or made by `make` (and kept when
    /// it is a page and the visitor has no session: a signed-in person's pages carry their own header).
    func response(
        _ key: String, context: WebContext, pages: Pages, make: () async throws -> Answer
    ) async throws -> Response {
        try await response(key, signedIn: context.session != nil, pages: pages, make: make)
    }

    func response(
        _ key: String, signedIn: Bool, pages: Pages, now: UInt64 = DispatchTime.now().uptimeNanoseconds,
        make: () async throws -> Answer
    ) async throws -> Response {
        guard lifetimeNanoseconds > 0, !signedIn else { return try await answer(make, pages) }
        // The count first: a commit after it moves the count, whatever the page then read.
        let count = commits.value
        if let html = entries.withLock({ entries -> String? in
            guard let entry = entries[key], entry.commits == count,
                now &- entry.madeAtNanoseconds < lifetimeNanoseconds
            else { return nil }
            return entry.html
        }) {
            return pages.html(html)
        }
        let made = try await make()
        guard case .page(let html) = made else { return try await answer({ made }, pages) }
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(html: html, commits: count, madeAtNanoseconds: now)
        }
        return pages.html(html)
    }

    private func answer(_ make: () async throws -> Answer, _ pages: Pages) async throws -> Response {
        switch try await make() {
        case .page(let html): pages.html(html)
        case .other(let response): response
        }
    }

    /// How many pages are kept (for the tests).
    var count: Int { entries.withLock { $0.count } }
}
