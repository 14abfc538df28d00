import Foundation
import OPCCCore
import OPCCStore
import Synchronization

/// A refusal from the application services: the rule it enforces, what to do, and its kind, decided where it is
/// thrown. The front ends read the kind, never the rule, to choose an HTTP status or an exit code, so a new rule
/// needs no list kept in step elsewhere.
public struct ServiceRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of refusal this is: the one thing a front end needs to answer it.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The request breaks a rule of the record or of the input (the default): fix it and try again.
        case invalid
        /// The person may see the record but may not do this to it (a role, a position, a stage).
        case forbidden
        /// No such record, or one the person may not see: the two answer alike, so that nobody can learn from a
        /// refusal whether another office holds a record, nor anything about it.
        case notFound
        /// The record changed since it was read, or the request repeats one already made.
        case conflict
    }

    public let rule: String
    public let message: String
    public let kind: Kind

    /// A refusal by one of the rules the services, the web and the CLI decide (`ServiceRefusal.Rule`).
    public init(rule: Rule, message: String, kind: Kind = .invalid) {
        self.init(coreRule: rule.rawValue, message: message, kind: kind)
    }

    /// A refusal passed on from Core: a typed refusal's own rule id (`DecisionRefusal.rule`, `PriorityRefusal.rule`,
    /// …), which Core decides and so is not a `Rule` constant.
    public init(coreRule: String, message: String, kind: Kind = .invalid) {
        self.rule = coreRule
        self.message = message
        self.kind = kind
    }

    /// A refusal of a missing record, or of one the person may not see (the same answer for both).
    public static func notFound(rule: Rule, message: String) -> ServiceRefusal {
        ServiceRefusal(rule: rule, message: message, kind: .notFound)
    }

    /// A refusal of who is asking: the role, office or position does not allow this act.
    public static func forbidden(rule: Rule, message: String) -> ServiceRefusal {
        ServiceRefusal(rule: rule, message: message, kind: .forbidden)
    }

    public var description: String { "refused (\(rule)): \(message)" }
}

/// Parsed definitions and profiles shared by every call on one `Commissioning`.
final class Caches: Sendable {
    let definitions = Mutex<[String: WorkflowDefinition]>([:])
    let profiles = Mutex<[String: OfficeProfile]>([:])
    let notices = PublicNoticeCache()
    let publishedGrants = PublishedGrantsCache(capacity: 64)
    let threeSixtyGivingYears = ThreeSixtyGivingYearCache(capacity: 64)
    let reconciliationYears = ReconciliationYearCache(capacity: 64)
}

/// A refused workflow act, with every reason.
public struct ActRefused: Error, Hashable, Sendable, CustomStringConvertible {
    public let reasons: [WorkflowRefusal]
    public var description: String {
        "refused:\n" + reasons.map { "  - [\($0.rule)] \($0.description)" }.joined(separator: "\n")
    }
    public var rules: [String] { reasons.map(\.rule) }

    /// The guards that refuse who is acting rather than the record (a position, an authorised maker, a second
    /// person): an act they refuse is forbidden, like one by a role the workflow does not allow.
    static let actorGuardRules: Set<String> = [
        "sign-off-by-position-holder", "decision-maker-authorised", "actor-required", "reviewer-not-submitter",
    ]

    /// Forbidden when any reason is about who acts; otherwise the record's rules refused it. (A stale version is
    /// refused before the workflow decides, by the act runner, as a `current-version` conflict.)
    public var kind: ServiceRefusal.Kind {
        let forbidden = reasons.contains { reason in
            switch reason {
            case .notPermitted, .roleNotHeld, .roleNotPermitted: return true
            case .guardFailed(let refusal): return Self.actorGuardRules.contains(refusal.rule)
            default: return false
            }
        }
        return forbidden ? .forbidden : .invalid
    }
}

/// The application: the store, the workflow catalog, the calendar and the clock, with one method per use case.
/// Each use case is one transaction; authorisation is checked here, so the CLI and the web meet the same rules.
public final class Commissioning: Sendable {
    /// The store behind the boundary: a store error leaving one of its transactions is a `StorageFailure`.
    public let store: any CommissioningStore
    public let catalog: WorkflowCatalog
    public let engine: WorkflowEngine
    public let clock: any Clock
    /// Where documents' bytes live: a folder beside a SQLite file, or the database's own tables.
    public let documentFiles: any DocumentFiles
    /// Parsed pinned definitions and office profiles, keyed by their SHA-256, so a hot path does not re-read YAML.
    let caches = Caches()
    /// The write transactions this process has committed through the services (`CommitCounter`).
    public let commits: CommitCounter

    /// Opens the application over a store and refuses to start if a workflow file changed without a new version.
    public init(
        store: any CommissioningStore, catalog: WorkflowCatalog, calendar: WorkingDayCalendar = WorkingDayCalendar(),
        registry: WorkflowRegistry = .standard, clock: any Clock = SystemClock(),
        documentFiles: (any DocumentFiles)? = nil
    ) throws {
        let boundary = ServiceBoundaryStore.wrapping(store)
        self.store = boundary
        self.commits = boundary.commits
        self.documentFiles = documentFiles ?? DatabaseDocumentFiles(store: self.store)
        self.catalog = catalog
        self.engine = WorkflowEngine(registry: registry, calendar: calendar)
        self.clock = clock
        try checkPinnedDefinitions()
    }

    /// Opens the product from its home folder and database: a SQLite file's path, or a PostgreSQL server's
    /// `postgres://` (or `postgresql://`) URL. `durable` waits for the disk at every commit (see
    /// `SQLiteStore.init(path:durable:)`); on PostgreSQL every commit does.
    ///
    /// Documents' bytes go in a folder on SQLite: `filesDirectory`, else the database file's path with `.files`
    /// in place of its extension (`opcc.sqlite` → `opcc.files/`); on PostgreSQL in the database itself.
    public static func open(
        home: ProductHome, databasePath: String, clock: any Clock = SystemClock(), durable: Bool = false,
        filesDirectory: String? = nil
    ) throws
        -> Commissioning
    {
        let catalog = try WorkflowCatalog.load(from: home, registry: .standard)
        let calendar = try WorkingDayCalendar.load(from: home)
        let store: any CommissioningStore
        do {
            store =
                isServerURL(databasePath)
                ? try PostgresStore(url: databasePath)
                : try SQLiteStore(path: databasePath, durable: durable)
        } catch let error as StoreError {
            throw StorageFailure(error)
        }
        let files: (any DocumentFiles)? =
            isServerURL(databasePath)
            ? nil
            : FolderDocumentFiles(
                directory: URL(fileURLWithPath: filesDirectory ?? defaultFilesDirectory(databasePath: databasePath)))
        return try Commissioning(
            store: store, catalog: catalog, calendar: calendar, clock: clock, documentFiles: files)
    }

    /// The folder beside a SQLite file that holds its documents: `opcc.sqlite` → `opcc.files`.
    public static func defaultFilesDirectory(databasePath: String) -> String {
        let url = URL(fileURLWithPath: databasePath)
        return url.deletingPathExtension().path + ".files"
    }

    /// A definition file whose text changed while its version number did not.
    public struct DefinitionChanged: Error, CustomStringConvertible {
        public let name: String
        public let version: Int
        public let source: String
        public var description: String {
            "\(source): \(name) version \(version) has changed since it was first used (its SHA-256 no longer "
                + "matches the stored text). Running records depend on it: restore the file, and put the change in "
                + "a new version (version: \(version + 1))."
        }
    }

    private func checkPinnedDefinitions() throws {
        let pinned = try store.readWhileStarting { try $0.pinnedDefinitions() }
        for p in pinned {
            guard let current = catalog.definition(p.name, version: p.version) else { continue }
            if current.sha256 != p.sha256 {
                throw DefinitionChanged(
                    name: p.name, version: p.version, source: catalog.sources["\(p.name)@\(p.version)"] ?? p.name)
            }
        }
    }

    /// The definition an instance runs on: its pinned text, so that a newer file never changes a running case.
    func definition(for instance: WorkflowInstance, in tx: any StoreTransaction) throws -> WorkflowDefinition {
        let key = "\(instance.workflow)@\(instance.workflowVersion)"
        if let hit = caches.definitions.withLock({ $0[key] }) { return hit }
        guard let pinned = try tx.pinnedDefinition(name: instance.workflow, version: instance.workflowVersion) else {
            throw StoreError.notFound(what: "definition \(instance.workflow) v\(instance.workflowVersion)")
        }
        let definition = try WorkflowDefinition.parse(
            yaml: pinned.text, source: "pinned \(pinned.name) v\(pinned.version)")
        // A pinned version's text never changes (start-up refuses an edit), so caching by name and version is safe.
        caches.definitions.withLock { $0[key] = definition }
        return definition
    }

    /// Stores a definition's text and hash the first time that version is used.
    func pinIfNeeded(_ definition: WorkflowDefinition, in tx: any StoreTransaction) throws {
        if let existing = try tx.pinnedDefinition(name: definition.name, version: definition.version) {
            guard existing.sha256 == definition.sha256 else {
                throw DefinitionChanged(
                    name: definition.name, version: definition.version,
                    source: catalog.sources["\(definition.name)@\(definition.version)"] ?? definition.name)
            }
            return
        }
        try tx.pin(
            PinnedDefinition(
                name: definition.name, version: definition.version, sha256: definition.sha256,
                text: definition.sourceText), at: clock.timestamp())
    }

    /// A record id of an office: `cumbria-DR-0001` for the first decision record, `-AL-` allocations, `-CF-`
    /// carry-forwards, `-GA-` grant agreements. `existing` is how many the office already has.
    @_spi(Bench) public static func recordID(office: String, kind: String, existing: Int) -> String {
        let digits = String(existing + 1)
        return "\(office)-\(kind)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The person acting, or a refusal saying how to name one.
    func actor(named name: String, in tx: any StoreTransaction) throws -> StoredPerson {
        guard let person = try tx.person(named: name) else {
            throw ServiceRefusal.notFound(
                rule: .knownPerson,
                message: "no person named '\(name)': pass --as NAME (or set OPCC_USER) with a name from "
                    + "'opcc user list'")
        }
        if let disabledAt = person.disabledAt {
            throw ServiceRefusal.forbidden(
                rule: .personActive, message: "\(name) was disabled at \(disabledAt) and cannot act")
        }
        return person
    }

    /// The office a command means: the one named, or the only one in the database.
    public func resolveOffice(_ id: String?) async throws -> String {
        let offices = try await store.read { try $0.offices() }
        if let id {
            guard offices.contains(where: { $0.id == id }) else {
                let known = offices.map(\.id).joined(separator: ", ")
                throw ServiceRefusal.notFound(
                    rule: .knownOffice,
                    message: "no office '\(id)' in this database" + (known.isEmpty ? "" : "; offices: \(known)"))
            }
            return id
        }
        guard offices.count == 1, let only = offices.first else {
            throw ServiceRefusal(
                rule: .officeRequired,
                message: offices.isEmpty
                    ? "this database holds no office yet: run 'opcc demo' or register one"
                    : "this database holds several offices (\(offices.map(\.id).joined(separator: ", "))): "
                        + "say which office")
        }
        return only.id
    }

    /// The stored profile of an office.
    public func profile(of office: String) async throws -> OfficeProfile {
        try await store.read { tx in try profile(of: office, in: tx) }
    }

    /// The stored profile of an office, inside an open transaction (parsed once per profile text). The cache is
    /// keyed by the text's SHA-256, read from the database inside this transaction on every call: a profile changed
    /// by this process or any other has a new hash, so a stale parse is never returned, and the text itself is read
    /// (and parsed) only when its hash is new.
    func profile(of office: String, in tx: any StoreTransaction) throws -> OfficeProfile {
        guard let sha256 = try tx.officeProfileSHA256(id: office) else {
            throw ServiceRefusal.notFound(rule: .knownOffice, message: "no office '\(office)' in this database")
        }
        if let hit = caches.profiles.withLock({ $0[sha256] }) { return hit }
        guard let stored = try tx.office(id: office) else {
            throw ServiceRefusal.notFound(rule: .knownOffice, message: "no office '\(office)' in this database")
        }
        let profile = try OfficeProfile.parse(yaml: stored.profileText, source: "stored profile of \(office)")
        caches.profiles.withLock { $0[stored.profileSHA256] = profile }
        return profile
    }
}

/// Whether `--db` (or `OPCC_DB`) names a PostgreSQL server rather than a SQLite file.
public func isServerURL(_ database: String) -> Bool {
    database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
}

/// The database as messages name it: a file's path, or a server's URL without its password.
public func databaseDisplayName(_ database: String) -> String {
    isServerURL(database) ? PostgresStore.withoutPassword(database) : database
}
