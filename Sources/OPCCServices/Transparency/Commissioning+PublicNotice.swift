import OPCCCore
import OPCCStore
import Synchronization

/// Public notice pages already rendered, so that a page read many times is not decoded and rendered each time.
///
/// A page is a pure function of three things, and the key holds all three: the SHA-256 of the record's stored Part 1
/// text (which never holds Part 2's content), the record's workflow state, and the SHA-256 of the office profile's
/// text. Whatever changes what a notice shows (a correction, a publication, a new profile) changes the key, so an
/// entry can never be served for content it was not made from; the instance version would not do, as a correction
/// leaves it unchanged. Only pages made from a record without Part 2's content are kept, and only after the caller
/// has been allowed to read the record. Bounded: when full it is emptied and fills again.
final class PublicNoticeCache: Sendable {
    struct Key: Hashable, Sendable {
        let part1SHA256: String
        let status: String
        let profileSHA256: String
    }

    /// About 10 KiB a page: a few MiB at most.
    static let capacity = 256

    private let pages = Mutex<[Key: String]>([:])

    func page(_ key: Key) -> String? { pages.withLock { $0[key] } }

    func keep(_ page: String, for key: Key) {
        pages.withLock { pages in
            if pages[key] == nil, pages.count >= Self.capacity { pages.removeAll(keepingCapacity: true) }
            pages[key] = page
        }
    }

    /// Every page held, for the tests that check what may be kept.
    var keptPages: [String] { pages.withLock { Array($0.values) } }
}

extension Commissioning {
    /// The public notice of a published record as a complete HTML page (`DecisionNotice.html`): what the public
    /// decision page serves. The public reads published records only; any other record is refused as
    /// `showDecision(_:by: nil)` refuses it: as `known-decision`, exactly as when there is none.
    public func publishedNoticeHTML(_ reference: String) async throws -> String {
        try await store.read { tx in
            let id = try decisionID(reference, office: nil, in: tx)
            guard let part1 = try tx.decisionPart1JSON(id: id), let instance = try tx.instance(id: id) else {
                throw ServiceRefusal.notFound(rule: .knownDecision, message: "no decision record '\(reference)'")
            }
            guard instance.state == "published" else {
                throw ServiceRefusal.notFound(rule: .knownDecision, message: "no decision record '\(reference)'")
            }
            guard let office = try tx.office(id: part1.office) else {
                throw ServiceRefusal.notFound(
                    rule: .knownOffice, message: "no office '\(part1.office)' in this database")
            }
            // The current Part 1 documents are part of the page, so they are part of its key.
            let documents = try tx.documents(recordID: id).filter { $0.part == .part1 && $0.isCurrent }
            let listed = documents.map { "\n\($0.id):\($0.sha256):\($0.name)" }.joined()
            let key = PublicNoticeCache.Key(
                part1SHA256: SHA256Hex.of(part1.json + listed), status: instance.state,
                profileSHA256: office.profileSHA256)
            if let page = caches.notices.page(key) { return page }
            // Read in the same transaction as the key, so the page is made from exactly what the key names.
            guard let record = try tx.decision(id: id)?.withoutPart2Content else {
                throw ServiceRefusal.notFound(rule: .knownDecision, message: "no decision record '\(reference)'")
            }
            let page = DecisionNotice.withDocuments(
                DecisionNotice.html(
                    record, status: instance.state, profile: try profile(of: record.office, in: tx),
                    stylesheet: .linked("/assets/notice.css")),
                documents)
            caches.notices.keep(page, for: key)
            return page
        }
    }
}
