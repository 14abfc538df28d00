import Crypto
import OPCCCore
import OPCCStore

/// iCalendar feeds: each person's deadlines behind a secret address, and each office's public Part 1 publication
/// dates. A personal feed lists only what the person may see and act on, by the same rules as the register, the
/// returns and the workflow; no feed ever carries Part 2 content (only numbers, Part 1 titles and dates).
extension Commissioning {
    /// Creates a calendar feed for `actorName` and returns its secret: 64 hex digits (256 random bits), shown only
    /// now. Only its SHA-256 is stored. A person has one live feed: creating another revokes the old one (each an
    /// audit event, in one transaction).
    public func createCalendarFeed(for actorName: String, on day: Day? = nil) async throws -> String {
        let today = try dayNotAfterToday(day)
        let token = Self.newFeedToken()
        try await store.write { tx in
            let person = try actor(named: actorName, in: tx)
            if let live = try tx.liveCalendarFeed(person: person.name) {
                try revoke(live, of: person, by: actorName, reason: "replaced by a new feed", on: today, in: tx)
            }
            let event = try tx.append(
                AuditEventDraft(
                    office: person.office, event: "calendar-feed-created", actor: actorName, effectiveDay: today,
                    recordedAt: clock.timestamp(), payload: ["person": person.name]))
            try tx.insertCalendarFeed(
                person: person.name, tokenSHA256: SHA256Hex.of(token), createdAt: event.recordedAt,
                auditSequence: event.sequence)
        }
        return token
    }

    /// Revokes `personName`'s live calendar feed, so its address is refused from now on. The person may, and so may
    /// their office's chief executive. Recorded as an audit event; the feed's record stays.
    public func revokeCalendarFeed(of personName: String, by actorName: String, on day: Day? = nil) async throws {
        let today = try dayNotAfterToday(day)
        try await store.write { tx in
            let person = try actor(named: personName, in: tx)
            let acting = try actor(named: actorName, in: tx)
            guard
                acting.name == person.name
                    || (acting.office == person.office
                        && acting.actor.roles(covering: nil).contains(.chiefExecutive))
            else {
                throw ServiceRefusal.forbidden(
                    rule: .calendarFeedRevokedByOwnerOrChiefExecutive,
                    message: "only \(person.name) or the chief executive of \(person.office) may revoke this feed")
            }
            guard let live = try tx.liveCalendarFeed(person: person.name) else {
                throw ServiceRefusal(
                    rule: .calendarFeedExists,
                    message: "\(person.name) has no live calendar feed (create one with 'opcc calendar feed create')")
            }
            try revoke(live, of: person, by: actorName, reason: "revoked", on: today, in: tx)
        }
    }

    /// The iCalendar text of the feed whose secret is `token`: its person's deadlines, as `calendarFeed(for:)`.
    /// An unknown, malformed or revoked token is refused (`calendar-feed-known`, `calendar-feed-revoked`).
    /// `baseURL` (`https://opcc.example`) adds each item's page address.
    public func calendarFeed(token: String, baseURL: String? = nil) async throws -> String {
        try await store.read { tx in
            let unknown = ServiceRefusal(
                rule: .calendarFeedKnown,
                message: "no calendar feed has this address: create one with 'opcc calendar feed create'")
            guard Self.isWellFormedFeedToken(token), let feed = try tx.calendarFeed(tokenSHA256: SHA256Hex.of(token))
            else { throw unknown }
            if let revokedAt = feed.revokedAt {
                throw ServiceRefusal(
                    rule: .calendarFeedRevoked,
                    message: "this calendar feed was revoked at \(revokedAt): create a new one with "
                        + "'opcc calendar feed create'")
            }
            return try personalCalendar(for: try actor(named: feed.person, in: tx), baseURL: baseURL, in: tx).text
        }
    }

    /// The iCalendar text of `actorName`'s deadlines, as of today: Part 1 publication deadlines of decisions they may
    /// publish or defer, the outstanding quarterly returns they may see (a project board only its own grants'), and
    /// the sign-offs awaiting a role they hold (dated the day the record was submitted).
    public func calendarFeed(for actorName: String, baseURL: String? = nil) async throws -> String {
        try await store.read { tx in
            try personalCalendar(for: try actor(named: actorName, in: tx), baseURL: baseURL, in: tx).text
        }
    }

    /// The public iCalendar text of an office's Part 1 publication (every office's when `office` is nil): each
    /// published decision on the day it was published, with its Part 1 title; and each decided, unpublished and
    /// undeferred decision's publication deadline, by number only (the public reads published records only, so an
    /// unpublished title stays off it; deferred publications are left out).
    public func publicCalendar(office: String? = nil, baseURL: String? = nil) async throws -> String {
        var officeID: String?
        if let office { officeID = try await resolveOffice(office) }
        return try await store.read { [officeID] tx in
            var events: [ICalendar.Event] = []
            var names: [String] = []
            for stored in try tx.offices() where officeID == nil || stored.id == officeID {
                names.append(stored.name)
                for instance in try tx.instances(office: stored.id) where instance.workflow == "decision-request" {
                    guard let record = try tx.decision(id: instance.id), let number = record.number else { continue }
                    if instance.state == "published", let published = record.publishedOn {
                        events.append(
                            ICalendar.Event(
                                uid: "\(instance.id).published@opcc", day: published,
                                summary: "Published: \(number) \(record.title)",
                                description: "\(stored.name) published the Part 1 notice of decision \(number) "
                                    + "on \(published.iso).",
                                url: Self.link(baseURL, "/register/\(instance.id)"),
                                categories: ["Part 1", "Published decision"]))
                    } else if ["approved", "not-approved"].contains(instance.state), record.publishedOn == nil,
                        let due = record.part1Deadline
                    {
                        events.append(
                            ICalendar.Event(
                                uid: "\(instance.id).part1-deadline@opcc", day: due,
                                summary: "Part 1 due: decision \(number)",
                                description: "\(stored.name) is due to publish the Part 1 notice of decision "
                                    + "\(number) by \(due.iso).",
                                categories: ["Part 1", "Publication deadline"]))
                    }
                }
            }
            let name = names.count == 1 ? "\(names[0]): Part 1 decisions" : "OPCC Part 1 decisions"
            return calendar(name, events).text
        }
    }

    // MARK: Building the feeds

    private func personalCalendar(
        for person: StoredPerson, baseURL: String?, in tx: any StoreTransaction
    ) throws -> ICalendar {
        var events: [ICalendar.Event] = []
        let office = person.office
        let profile = try self.profile(of: office, in: tx)
        let officeStaff = !person.actor.roles(covering: nil).subtracting([.public, .projectBoardMember]).isEmpty
        for instance in try tx.instances(office: office) where instance.workflow == "decision-request" && officeStaff {
            guard let record = try tx.decision(id: instance.id) else { continue }
            let number = record.number ?? instance.id
            let held = person.actor.roles(covering: instance.id)
            let definition = try definition(for: instance, in: tx)
            func mayFire(_ event: String) -> Bool {
                definition.transition(from: instance.state, on: event).map { !held.isDisjoint(with: $0.roles) }
                    ?? false
            }
            let url = Self.link(baseURL, "/decisions/\(instance.id)")
            if ["approved", "not-approved", "publication-deferred"].contains(instance.state),
                record.publishedOn == nil, let due = record.part1Deadline, mayFire("publish") || mayFire("defer")
            {
                var description =
                    "Decision \(number) (\(instance.state)): Part 1 is due on the office's website by "
                    + "\(due.iso)."
                if record.publication.deferred { description += " Publication is deferred until \(due.iso)." }
                events.append(
                    ICalendar.Event(
                        uid: "\(instance.id).part1-deadline@opcc", day: due,
                        summary: "Publish Part 1: \(number) \(record.title)", description: description, url: url,
                        categories: ["Part 1", "Publication deadline"]))
            }
            if instance.state == "awaiting-sign-offs", mayFire("sign-off") {
                let open = profile.signatories.filter { s in
                    held.contains(s.role) && !record.signOffs.contains { $0.position == s.position }
                }
                guard !open.isEmpty else { continue }
                let since =
                    try tx.auditEvents(instance: instance.id, office: office).last { $0.event == "submit" }?
                    .effectiveDay ?? instance.lastEffectiveDay ?? clock.today()
                events.append(
                    ICalendar.Event(
                        uid: "\(instance.id).sign-off@opcc", day: since,
                        summary: "Sign-off awaited: \(number) \(record.title)",
                        description: "Awaiting \(open.map(\.title).joined(separator: "; ")) since it was submitted "
                            + "on \(since.iso).", url: url, categories: ["Sign-off"]))
            }
        }
        for record in try tx.returnRecords(office: office, agreement: nil) {
            guard (try? returnAccess(person.name, office: office, agreementID: record.agreementID, in: tx)) != nil,
                let instance = try tx.instance(id: record.id),
                ["scheduled", "draft", "returned-for-revision"].contains(instance.state)
            else { continue }
            let recipient = try tx.agreement(id: record.agreementID)?.recipient.name ?? record.agreementID
            events.append(
                ICalendar.Event(
                    uid: "\(record.id).return-due@opcc", day: record.dueOn,
                    summary: "\(record.quarter) return due: \(recipient)",
                    description: "Quarterly return \(record.id) for grant agreement \(record.agreementID) "
                        + "(\(recipient)), \(instance.state), due \(record.dueOn.iso).",
                    url: Self.link(baseURL, "/returns/\(record.id)"), categories: ["Quarterly return"]))
        }
        return calendar("OPCC deadlines: \(person.displayName)", events)
    }

    private func calendar(_ name: String, _ events: [ICalendar.Event]) -> ICalendar {
        let stamp = ICalendar.utcStamp(fromTimestamp: clock.timestamp()) ?? "19700101T000000Z"
        return ICalendar(name: name, stamp: stamp, events: events.sorted { ($0.day, $0.uid) < ($1.day, $1.uid) })
    }

    private func revoke(
        _ feed: StoredCalendarFeed, of person: StoredPerson, by actorName: String, reason: String, on day: Day,
        in tx: any StoreTransaction
    ) throws {
        let event = try tx.append(
            AuditEventDraft(
                office: person.office, event: "calendar-feed-revoked", actor: actorName, effectiveDay: day,
                recordedAt: clock.timestamp(), payload: ["person": person.name, "reason": reason]))
        try tx.revokeCalendarFeed(id: feed.id, revokedAt: event.recordedAt, auditSequence: event.sequence)
    }

    func dayNotAfterToday(_ day: Day?) throws -> Day {
        let today = day ?? clock.today()
        guard today <= clock.today() else {
            throw ServiceRefusal(rule: .effectiveDateNotInFuture, message: "\(today.iso) is after today")
        }
        return today
    }

    /// 256 random bits from the system's cryptographic generator, as 64 lowercase hex digits.
    static func newFeedToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { SHA256Hex.hex($0) }
    }

    static func isWellFormedFeedToken(_ token: String) -> Bool {
        token.utf8.count == 64 && token.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func link(_ base: String?, _ path: String) -> String? {
        guard var base, !base.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
