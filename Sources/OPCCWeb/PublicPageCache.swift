import Foundation
import Hummingbird
import OPCCServices
import Synchronization

/// Public pages kept for a moment (`opcc serve --public-cache-seconds`, 1 by default; 0 keeps none): the notice of a
/// published decision and the public registers, as the public sees them (a visitor with no session), so that a page
/// many people open at once is made once a second rather than once a request. A page is kept with the count of this
/// process's commits read before it was made (`CommitCounter`), and is not served once that count has moved, so a
/// change made through this server shows at once; a change made by another process on the same database (the CLI, a
/// second server) shows within the lifetime, or the time it takes to make the page again after it: when a page's
/// lifetime is over, the first request makes it again and the others are given the kept one meanwhile (for at most
/// another lifetime), so many visitors never make it at once. Only whole answers of 200 are kept, at most
/// `capacity` of them; a full cache is emptied, not grown.
final class PublicPageCache: Sendable {
    private struct Entry {
        let html: String
        let commits: Int
        let madeAtNanoseconds: UInt64
        /// A request is making this page again (its lifetime is over): the others are given this one meanwhile.
        var remaking = false
    }

    private enum Lookup {
        case kept(String)
        case make
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
        let lookup = entries.withLock { entries -> Lookup in
            guard var entry = entries[key], entry.commits == count else { return .make }
            let age = now &- entry.madeAtNanoseconds
            if age < lifetimeNanoseconds { return .kept(entry.html) }
            if entry.remaking, age < 2 * lifetimeNanoseconds { return .kept(entry.html) }
            entry.remaking = true
            entries[key] = entry
            return .make
        }
        if case .kept(let html) = lookup { return pages.html(html) }
        let made: Answer
        do {
            made = try await make()
        } catch {
            // The next request makes it.
            _ = entries.withLock { $0.removeValue(forKey: key) }
            throw error
        }
        guard case .page(let html) = made else {
            _ = entries.withLock { $0.removeValue(forKey: key) }
            return try await answer({ made }, pages)
        }
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
