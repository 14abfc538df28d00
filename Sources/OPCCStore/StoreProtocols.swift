import Foundation
import OPCCCore

/// The boundary the application services cross to reach storage: one call, one transaction. A second engine
/// (PostgreSQL for shared multi-office deployments) implements the same two protocols.
///
/// A transaction is asynchronous at the boundary and synchronous inside: the caller awaits, while `body` runs on the
/// store's own threads (never Swift's cooperative pool), so a wait for a busy database suspends a task instead of
/// blocking a thread. The body must not escape the transaction it is given.
public protocol CommissioningStore: Sendable {
    /// Runs `body` in one write transaction: everything it does commits together, or nothing does.
    func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` against a consistent snapshot.
    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` against a consistent snapshot, blocking the calling thread: only for start-up checks made before
    /// any request is served (`Commissioning.init` compares the pinned workflow definitions with the catalog).
    func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}

/// The store's answer to a health check (`/healthz`), in no engine's types: the named migrations this binary knows
/// and those the database has applied, read in one read transaction, so an answer also says the database can be read.
public protocol MigrationStatusStore: Sendable {
    func migrationStatus() async throws -> MigrationStatus
}

/// Which named migrations the binary knows and which the database has applied.
public struct MigrationStatus: Hashable, Sendable {
    /// The binary's migrations, in the order they run.
    public let known: [String]
    /// The migrations the database records as applied, sorted.
    public let applied: [String]

    public init(known: [String], applied: [String]) {
        self.known = known
        self.applied = applied
    }

    /// Known but not applied: the database was written by an older binary (or never migrated).
    public var missing: [String] { known.filter { !applied.contains($0) } }
    /// Applied but not known: a newer binary wrote the database.
    public var unknown: [String] { applied.filter { !known.contains($0) } }
}

/// A workflow definition's text as first used, with its SHA-256.
public struct PinnedDefinition: Hashable, Sendable {
    public let name: String
    public let version: Int
    public let sha256: String
    public let text: String

    public init(name: String, version: Int, sha256: String, text: String) {
        self.name = name
        self.version = version
        self.sha256 = sha256
        self.text = text
    }
}

/// An event to append: everything but the sequence and hashes, which the store assigns.
public struct AuditEventDraft: Sendable {
    public var office: String
    public var instanceID: String?
    public var workflow: String?
    public var workflowVersion: Int?
    public var event: String
    public var fromState: String?
    public var toState: String?
    public var actor: String
    public var role: String?
    public var effectiveDay: Day
    public var recordedAt: String
    public var payload: [String: String]
    /// The record the event changed, when it is not the instance's own record (a person, an office): the store seals
    /// it. An event on an instance seals the instance's record without being told.
    public var sealSubject: SealedRecord?

    public init(
        office: String, instanceID: String? = nil, workflow: String? = nil, workflowVersion: Int? = nil,
        event: String, fromState: String? = nil, toState: String? = nil, actor: String, role: String? = nil,
        effectiveDay: Day, recordedAt: String, payload: [String: String] = [:], sealSubject: SealedRecord? = nil
    ) {
        self.office = office
        self.instanceID = instanceID
        self.workflow = workflow
        self.workflowVersion = workflowVersion
        self.event = event
        self.fromState = fromState
        self.toState = toState
        self.actor = actor
        self.role = role
        self.effectiveDay = effectiveDay
        self.recordedAt = recordedAt
        self.payload = payload
        self.sealSubject = sealSubject
    }
}

/// Errors the store reports in the domain's words.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    case duplicate(what: String)
    case notFound(what: String)
    case staleVersion(instance: String, expected: Int)
    case invalidData(what: String)
    /// Other writers kept the database busy past the timeout, every attempt: nothing was changed.
    case busy
    /// The database file could not be opened (not a database, no permission): SQLite's reason, never a statement.
    case cannotOpen(path: String, reason: String)
    /// SQLite failed a statement for a reason that is not the caller's (a bug, a full disk, a damaged file). The
    /// transaction was rolled back, so nothing was changed. Only SQLite's result code is kept: its message and the
    /// statement may quote SQL or the data a request held, and no front end shows either.
    case failed(resultCode: Int32)
    /// The PostgreSQL server failed a statement for a reason that is not the caller's (a bug, a full disk, a role
    /// without a permission), named by its SQLSTATE only: its message may quote data. Rolled back, nothing changed.
    case serverFailed(sqlState: String)
    /// The connection to the PostgreSQL server was lost (a restart, the network). If it went during COMMIT the change
    /// may have been made: the caller should look before trying again.
    case connectionLost(reason: String)

    public var description: String {
        switch self {
        case .duplicate(let what): return "\(what) already exists"
        case .notFound(let what): return "\(what) was not found"
        case .staleVersion(let id, let expected):
            return "instance \(id) is no longer at version \(expected): reload it and try again"
        case .invalidData(let what): return "stored data is not readable: \(what)"
        case .busy: return "the database stayed busy with other writers, so nothing was changed: try again"
        case .cannotOpen(let path, let reason): return "cannot open the database \(path): \(reason)"
        case .failed(let code):
            let why: String
            switch code {
            case 8: why = "the database file cannot be written"
            case 10: why = "the disk could not be read or written"
            case 11, 26: why = "the database file is damaged"
            case 13: why = "the disk is full"
            case 19: why = "the database refused a change its rules forbid"
            default: why = "the database could not answer"
            }
            return "\(why) (SQLite result code \(code)), so nothing was changed"
        case .serverFailed(let state):
            let why: String
            switch state.prefix(2) {
            case "53": why = "the database server ran out of a resource (disk, memory or connections)"
            case "42": why = "the database server refused a statement (a permission or the schema)"
            case "23": why = "the database refused a change its rules forbid"
            case "57": why = "the database server is shutting down or cancelled the request"
            case "25": why = "the database is read-only here (a standby or a read-only copy)"
            default: why = "the database server could not answer"
            }
            return "\(why) (PostgreSQL error \(state)), so nothing was changed"
        case .connectionLost(let reason):
            return "the connection to the database server was lost (\(reason)): if it was lost while saving, the "
                + "change may have been made, so look before trying again"
        }
    }
}

/// Everything the services may do inside one transaction.
public protocol StoreTransaction {
    /// Runs `body` in a savepoint nested in this transaction. What it wrote is kept when `keep` accepts the result;
    /// otherwise, and when it throws, it is rolled back alone, leaving the rest of the transaction as it was.
    func savepoint<T>(_ body: () throws -> T, keep: (T) -> Bool) throws -> T
    /// Takes the lease named `name` for the rest of this transaction if no other transaction holds it; false when
    /// another does. Work that must run once across every process on the database (the deadline sweep of several web
    /// nodes) takes one first. On SQLite the one writer holds every lease already.
    func takeLease(_ name: String) throws -> Bool

    // Offices
    /// Registers an office or records a new version of its profile (none when the text is the one in force);
    /// returns the version in force after it. Every version is kept in `office_profile_version`.
    @discardableResult func saveOffice(
        id: String, name: String, orgID: String?, profileText: String, registeredAt: String, recordedBy: String
    ) throws -> Int
    /// Every version of an office's profile, oldest first.
    func officeProfileVersions(id: String) throws -> [OfficeProfileVersion]
    /// The profile version a workflow instance was created under (nil for an unknown instance).
    func instanceProfileVersion(id: String) throws -> Int?
    func office(id: String) throws -> StoredOffice?
    /// The SHA-256 of an office's stored profile text, without the text: what a cache of parsed profiles is checked
    /// against inside the transaction, so that a profile changed by any process is never served stale.
    func officeProfileSHA256(id: String) throws -> String?
    func offices() throws -> [StoredOffice]
    /// Every office's id and name, in id order, without their profiles (what a page listing offices needs).
    func officeNames() throws -> [(id: String, name: String)]

    // People
    func addPerson(name: String, displayName: String, office: String, addedAt: String) throws
    func addGrant(person: String, role: Role, scope: String?) throws
    /// Ends one grant (the empty scope is the whole office); returns how many rows it removed (0 or 1). The audit
    /// event that ends it names it, so the history of grants stays in the log.
    func removeGrant(person: String, role: Role, scope: String?) throws -> Int
    /// Disables a person (a time) or enables them again (nil); a person is never deleted.
    func setPersonDisabled(name: String, at disabledAt: String?) throws
    func person(named name: String) throws -> StoredPerson?
    func people(office: String?) throws -> [StoredPerson]

    // Workflow definitions and instances
    func pinnedDefinition(name: String, version: Int) throws -> PinnedDefinition?
    func pinnedDefinitions() throws -> [PinnedDefinition]
    func pin(_ definition: PinnedDefinition, at: String) throws
    func insertInstance(_ instance: WorkflowInstance, createdAt: String) throws
    func instance(id: String) throws -> WorkflowInstance?
    func instances(office: String?) throws -> [WorkflowInstance]
    /// The office's instances of one workflow, oldest first (through the office-and-workflow index).
    func instances(office: String, workflow: String) throws -> [WorkflowInstance]
    /// Moves an instance only if it is still at `expectedVersion`; throws `StoreError.staleVersion` otherwise.
    func updateInstance(
        id: String, state: String, expectedVersion: Int, lastEffectiveDay: Day
    ) throws
    /// The same move, from state `from` as the caller read it (nil: unknown): what keeps the committed cache in
    /// step costs nothing unless the move enters or leaves one of `GrantRules.committedStates`.
    func updateInstance(
        id: String, from: String?, state: String, expectedVersion: Int, lastEffectiveDay: Day
    ) throws
    /// Bumps an instance's version for a change that leaves its state alone (a draft edit, a correction), only if
    /// it is still at `expectedVersion`; throws `StoreError.staleVersion` otherwise, so a stale writer changes nothing.
    func bumpInstanceVersion(id: String, expectedVersion: Int) throws

    // The audit log
    @discardableResult func append(_ draft: AuditEventDraft) throws -> AuditEvent
    func auditHead() throws -> AuditHead
    func auditEvents(instance: String?, office: String?) throws -> [AuditEvent]
    /// Visits every event in sequence order without loading the whole log; `visit` returns false to stop.
    func forEachAuditEvent(_ visit: (AuditEvent) throws -> Bool) throws
    /// Visits `office`'s events (every event when nil) in sequence order; `visit` returns false to stop.
    func forEachAuditEvent(office: String?, _ visit: (AuditEvent) throws -> Bool) throws
    /// The same events as `forEachAuditEvent(office:)`, each as its fields' bytes, valid only inside `visit`: what
    /// `audit verify` reads without building an `AuditEvent` per row.
    func forEachAuditEventBytes(office: String?, _ visit: (AuditEventBytes) throws -> Bool) throws
    /// Each event that names a sealed record (`office`'s only when given), in sequence order: its number, the
    /// record's key and its seal (nil for none), as the bytes `forEachAuditEventBytes` gives, valid only inside
    /// `visit`.
    func forEachSealingEvent(
        office: String?, _ visit: (Int64, UnsafeRawBufferPointer, UnsafeRawBufferPointer?) throws -> Void) throws
    /// What identifies the state this transaction sees (its newest event, and on PostgreSQL every office chain's
    /// head): two read transactions with the same mark see the same events and records.
    func auditSnapshotMark() throws -> [AuditHead]
    /// The newest event of `office`'s own chain, if it has one.
    func auditHead(office: String) throws -> AuditHead?
    /// The newest event written before the chains were per office (the genesis hash at 0 if none): every office's
    /// chain starts from it.
    func globalChainHead() throws -> AuditHead
    /// The seal of every sealed record as it stands in the tables now, `office`'s only when given.
    func recordSeals(office: String?) throws -> [RecordSeal]
    /// The same seals in the same order, a chunk of at most `chunk` records of one kind at a time (bounded memory).
    func forEachRecordSealChunk(office: String?, chunk: Int, _ visit: ([RecordSealHash]) throws -> Void) throws
    /// Every instance (`office`'s only when given) in creation order with its events' moves, `chunk` instances at a
    /// time; `visit` returns false to stop.
    func forEachInstanceHistory(office: String?, chunk: Int, _ visit: ([InstanceHistory]) throws -> Bool) throws
    func appendRefusal(_ refusal: RefusalRecord) throws
    func refusals(instance: String?) throws -> [RefusalRecord]

    // Decision records
    /// Saves a record (insert or replace), its Part 2 content in its own table, and its Part 1 search text.
    func saveDecision(_ record: DecisionRecord, instanceID: String) throws
    /// The record with its Part 2 content: the services decide who may see that content.
    func decision(id: String) throws -> DecisionRecord?
    /// The record's office and its stored Part 1 as JSON text (never Part 2's content), undecoded: the public notice
    /// is made from exactly this text, so a cached notice can be keyed by it.
    func decisionPart1JSON(id: String) throws -> (office: String, json: String)?
    func decisionID(office: String, number: String) throws -> String?
    func decisionInstanceID(recordID: String) throws -> String?
    /// Increments and returns the office's sequence for a key (`y2016`).
    func nextDecisionSequence(office: String, key: String, atLeast: Int) throws -> Int
    /// Records that `sequence` is used (a historic import) so the sequence never hands it out again.
    func noteDecisionSequence(office: String, key: String, sequence: Int) throws
    func decisionCount(office: String) throws -> Int
    func decisionRegister(_ filter: DecisionFilter) throws -> [DecisionRegisterRow]
    /// One page of the register (`limit` rows after `cursor`, then `offset` skipped) and the whole filter's count.
    func decisionRegisterPage(
        _ filter: DecisionFilter, limit: Int, offset: Int, after cursor: RegisterCursor?
    ) throws
        -> (rows: [DecisionRegisterRow], total: Int)

    // The ledger
    /// Appends a posting and its transfers, citing the audit event recorded with it; returns its sequence number.
    func appendPosting(_ posting: Posting, auditSequence: Int64, recordedBy: String) throws -> Int64
    /// Every posting in sequence order (for an office, or all).
    func postings(office: String?) throws -> [StoredPosting]
    /// One posting by its sequence number; nil when there is none.
    func posting(sequence: Int64) throws -> StoredPosting?
    /// Whether a correction reverses the posting.
    func isReversed(_ sequence: Int64) throws -> Bool
    /// The transfers with either account in `year` (of `office`, or of every office), summed per pair of accounts
    /// (less what moved back): all the reconciliation of that year needs, read from the balances cache.
    func transferSums(
        touching year: FinancialYear, office: String?
    ) throws -> [(
        from: LedgerAccount, to: LedgerAccount, pence: Int64
    )]
    /// The balances cache's rows for the accounts of `year` (of `office`, or of every office) as stored: each
    /// account key, the key of the account it moved money with (each as its UTF-8 bytes, valid during the visit
    /// only), and its balance for that money, given to `visit` in turn (nothing kept): what `ReconciliationYear`
    /// builds a year's reconciliation from.
    func forEachBalanceRow(
        touching year: FinancialYear, office: String?,
        _ visit: (UnsafeRawBufferPointer, UnsafeRawBufferPointer, Int64) throws -> Void
    ) throws
    /// The allocations of `year` (of `office`, or of every office) that belong to a grant agreement whose record
    /// is in one of `states`, summed per recipient line (office, year, strand, recipient).
    func allocatedUnderAgreements(
        year: FinancialYear, office: String?, states: [String]
    ) throws -> [ReconciliationLine:
        Int64]
    /// The same sums as `allocatedUnderAgreements` for `GrantRules.committedStates`, read from the committed cache
    /// (`agreement_commitment`) through its index on the year.
    func committedUnderAgreements(year: FinancialYear, office: String?) throws -> [ReconciliationLine: Int64]
    /// The same sums as `committedUnderAgreements`, each given to `visit` with its recipient's line written as the
    /// text after an account key's kind (`office/2016-17/strand/recipient`): what `ReconciliationYear` reads.
    func forEachCommitted(year: FinancialYear, office: String?, _ visit: (String, Int64) throws -> Void) throws
    /// Every row of the committed cache recomputed from the agreements' terms and states and compared with the
    /// row kept (for `finance check`), streamed in chunks of agreements.
    func checkCommitmentCache(chunk: Int) throws -> [CommitmentCacheDifference]
    /// The same sums as `transferSums`, from the postings themselves (`ledger_transfer`) rather than the balances
    /// cache: the reconciliation as it was computed before the cache (a benchmark's baseline).
    func transferSumsFromPostings(
        touching year: FinancialYear, office: String?
    ) throws -> [(
        from: LedgerAccount, to: LedgerAccount, pence: Int64
    )]
    /// An account's balance, from the balances cache (the postings where the cache's rows do not add up in 64
    /// bits); `LedgerError.sumTooLarge` when it does not fit in 64 bits (only an amount above `Money.ceiling` from
    /// an older version can do that).
    func balance(of account: LedgerAccount) throws -> SignedMoney
    /// Every row of the balances cache recomputed from the postings and compared with the row kept (for
    /// `finance check`), exactly even where a balance does not fit in 64 bits, streamed.
    func checkBalanceCache() throws -> BalanceCacheCheck
    /// Every posting with its transfers and what its audit event recorded of them, in sequence order, streamed.
    func forEachPostingAgainstEvent(window: Int64, _ visit: (PostingAgainstEvent) throws -> Void) throws
    /// Postings above `ceiling` that are not corrections and were not reversed.
    func unreversedPostings(above ceiling: Int64) throws -> [(sequence: Int64, cause: PostingCause, largest: Int64)]
    /// Every agreement past draft, in id order: its id, amount and the total of the allocations it names.
    func forEachAgreementAgainstAllocations(_ visit: (String, Int64, Int128) throws -> Void) throws
    /// The allocations whose posting is not one transfer of their amount.
    func allocationsDifferingFromTheirPosting() throws -> [String]
    /// Whether an allocation of the strand records a declared over-commitment.
    func strandRecordsOverCommitment(office: String, year: FinancialYear, strand: String) throws -> Bool

    // Budgets and allocations
    func saveStrand(office: String, year: FinancialYear, strand: String, name: String) throws
    func strands(office: String, year: FinancialYear?) throws -> [BudgetStrand]
    func insertAllocation(_ allocation: Allocation, postingSequence: Int64) throws
    func allocations(office: String?) throws -> [StoredAllocation]
    /// The office's allocations of one year whose posting no correction reversed, by id.
    func liveAllocations(office: String, year: FinancialYear) throws -> [StoredAllocation]
    /// Every year the office has a budget strand or an allocation in, oldest first.
    func financeYears(office: String) throws -> [FinancialYear]
    /// The allocations with these ids (any order; an unknown id is left out), read by primary key in chunks.
    func allocations(ids: [String]) throws -> [StoredAllocation]
    func allocationCount(office: String) throws -> Int
    /// What the office's allocations under a decision add up to, leaving out those whose posting was reversed,
    /// summed by SQL through the allocation's decision index (one lookup, however many allocations the office has).
    func allocatedUnderDecision(_ decisionID: String, office: String) throws -> Int64
    /// The office's allocations under a decision whose posting no correction reversed, by id, read through the
    /// allocation's decision index (a ward's chain: never the office's other allocations).
    func liveAllocations(office: String, decision: String) throws -> [StoredAllocation]
    /// The names of the recipients of the office's live allocations of one year, by organisation id (the name of
    /// its first allocation by id): two columns of the year's allocations, nothing decoded.
    func liveRecipientNames(office: String, year: FinancialYear) throws -> [String: String]
    /// The same names, of `recipients` alone (a page of the finance page's lines): the year's allocations to them
    /// only are decoded.
    func liveRecipientNames(office: String, year: FinancialYear, recipients: [String]) throws -> [String: String]

    // Carry-forwards
    func saveCarryForward(_ request: CarryForwardRequest) throws
    func carryForward(id: String) throws -> CarryForwardRequest?
    func carryForwardCount(office: String) throws -> Int

    // Grant agreements
    /// Saves an agreement's terms; the first save also links its allocations (an allocation belongs to one agreement).
    func saveAgreement(_ agreement: GrantAgreement) throws
    func agreement(id: String) throws -> GrantAgreement?
    func agreements(office: String?) throws -> [GrantAgreement]
    /// The office's agreements under decisions taken from `from` through `through`, by id: one indexed join, so a
    /// year's publication never reads the office's other years.
    func agreements(office: String, decidedFrom from: Day, through: Day) throws -> [GrantAgreement]
    /// The office's agreements that pay out an allocation of the year, by id.
    func agreements(office: String, allocationYear year: FinancialYear) throws -> [GrantAgreement]
    /// The agreements that pay out any of these allocations, by id, read through the link's allocation index.
    func agreements(payingAllocations ids: [String]) throws -> [GrantAgreement]
    /// The first and last day any decision of the office (of every office when nil) was taken, nil before the first.
    func decidedDays(office: String?) throws -> (first: Day, last: Day)?

    // Quarterly returns, deadline notices, variation proposals, indicator series
    /// Inserts a scheduled return (one per agreement and quarter) with any versions it already has.
    func insertReturn(_ record: ReturnRecord) throws
    /// Inserts or updates one version; an accepted version is refused by the database (corrections are new versions).
    func saveReturnVersion(returnID: String, _ version: ReturnVersion) throws
    func returnRecord(id: String) throws -> ReturnRecord?
    func returnRecords(office: String?, agreement: String?) throws -> [ReturnRecord]
    func returnCount(office: String) throws -> Int
    /// Records that a reminder, overdue mark or escalation was made for a subject (once per kind).
    func recordDeadlineNotice(subject: String, kind: DeadlineAction.Kind, day: Day, auditSequence: Int64) throws
    func deadlineNotices(subject: String) throws -> [DeadlineAction.Kind: Day]
    /// The ids of one page of an office's returns, in the list's order (agreement, quarter), and the query's count.
    func returnListPage(_ query: ReturnListQuery, limit: Int, offset: Int) throws -> (ids: [String], total: Int)
    /// One page of an office's returns as the list shows them (only the columns it shows: the recipient's name is
    /// read from the agreement's terms by SQL, no document is decoded), in the list's order (agreement, quarter),
    /// from `offset` or after the cursor `after`, and the query's count.
    func returnListLines(
        _ query: ReturnListQuery, limit: Int, offset: Int, after: ReturnListCursor?
    ) throws -> (lines: [ReturnListLine], total: Int)
    func saveProposal(_ proposal: VariationProposal) throws
    func proposals(office: String?) throws -> [VariationProposal]
    func proposalCount(office: String) throws -> Int
    func saveIndicatorSeries(agreement: String, indicator: String, source: String, values: [(Quarter, Int64)]) throws
    func indicatorSeries(agreement: String) throws -> [IndicatorValue]

    // Vulnerable Localities Index
    func upsertVLIArea(_ area: VLIGeography) throws
    /// Sets an area's households and population; false when the area is not in the study area.
    func setVLISize(office: String, lsoa: String, households: Int, population: Int) throws -> Bool
    func vliGeography(office: String) throws -> [VLIGeography]
    func setVLIValue(office: String, lsoa: String, variable: String, value: Double, source: String) throws
    /// LSOA → variable → value.
    func vliValues(office: String) throws -> [String: [String: Double]]
    func setVLIGroup(office: String, grouping: String, lsoa: String, code: String, name: String) throws
    /// LSOA → its group.
    func vliGroups(office: String, grouping: String) throws -> [String: VLIGroupRef]
    /// The LSOAs of one group (a ward's), read alone: a ward's page needs no other ward's.
    func vliGroupMembers(office: String, grouping: String, code: String) throws -> Set<String>
    func setVLISupport(
        office: String, grouping: String, code: String, dataset: String, value: Double, source: String)
        throws
    /// Group code → dataset → value.
    func vliSupport(office: String, grouping: String) throws -> [String: [String: Double]]
    func insertVLIRun(_ run: VLIRunRecord) throws
    func vliRuns(office: String) throws -> [VLIRunRecord]
    func vliRunCount(office: String) throws -> Int
    func latestVLIRun(office: String) throws -> VLIRunRecord?
    func saveVLISelection(_ selection: VLISelection) throws
    func vliSelections(runID: String) throws -> [VLISelection]

    // Priorities: the risk/harm matrix (SQLiteStore+Priorities.swift)
    /// Inserts an assessment with its declared method, agencies, threats, scores and probability inputs.
    func insertAssessment(_ assessment: PriorityAssessment) throws
    /// Records an agency's harm score for a threat (a corrected score replaces the earlier one, while scoring).
    func saveHarmScore(assessment: String, threat: String, agency: String, _ score: HarmScore) throws
    /// Records a threat's probability inputs (while scoring).
    func saveProbabilityInputs(
        assessment: String, threat: String, control: ControlStatus, share: Percentage, note: String?) throws
    func assessment(id: String) throws -> PriorityAssessment?
    func assessments(office: String?) throws -> [PriorityAssessment]
    func assessmentCount(office: String) throws -> Int
    /// Saves a priority with its threats and money links; a new one goes last (while selecting).
    func savePriority(assessment: String, _ priority: PrioritySelection.Priority) throws
    func removePriority(assessment: String, code: String) throws
    /// Replaces a priority's money links (while selecting or adopted).
    func saveMoneyLinks(assessment: String, priority: String, _ links: [PrioritySelection.MoneyLink]) throws
    func appendBoardRecord(assessment: String, _ record: PrioritySelection.BoardRecord, auditSequence: Int64) throws
    func selection(assessment: String) throws -> PrioritySelection

    // Web sessions and the sign-in throttle (SQLiteStore+Sessions.swift): only SHA-256s of session ids and of
    // throttle keys are stored
    func insertSession(_ session: StoredSession) throws
    /// Records when a person last signed in (shown on the people page).
    func noteSignIn(person: String, at: String) throws
    // The first-run set-up link: only the SHA-256 of its token is kept.
    func insertSetupLink(tokenSHA256: String, at: String) throws
    /// Whether a link with this hash exists, and when it was used (nil: unused).
    func setupLink(tokenSHA256: String) throws -> (exists: Bool, usedAt: String?)
    /// Marks the link used if it is still unused; returns whether it was.
    func useSetupLink(tokenSHA256: String, at: String, by person: String) throws -> Bool
    func session(idSHA256: String) throws -> StoredSession?
    /// Records that the session was used at `atMs` (never moves back).
    func touchSession(idSHA256: String, atMs: Int64) throws
    func deleteSession(idSHA256: String) throws
    /// Ends every session of a person except the one whose id has the SHA-256 `except`; returns how many ended.
    func deleteSessions(person: String, except idSHA256: String?) throws -> Int
    /// Deletes the sessions idle since before `lastSeenBeforeMs` or started before `createdBeforeMs`.
    func deleteSessions(lastSeenBeforeMs: Int64, createdBeforeMs: Int64) throws -> Int
    func sessionCount() throws -> Int
    func throttleEntries(keySHA256 keys: [String]) throws -> [StoredThrottleEntry]
    func saveThrottleEntry(_ entry: StoredThrottleEntry) throws
    func deleteThrottleEntry(keySHA256: String) throws
    /// Forgets entries not updated since `forgetBeforeMs` and no longer blocking, then the oldest beyond `keepAtMost`.
    func trimThrottle(forgetBeforeMs: Int64, nowMs: Int64, keepAtMost: Int) throws
    func throttleEntryCount() throws -> Int
    /// A server secret (64 hex digits) shared by every process on the database, or nil before it is made.
    func webSecret(named name: String) throws -> String?
    /// Stores a secret unless one of that name exists (the first process to make it wins).
    func saveWebSecretIfAbsent(named name: String, valueHex: String) throws
    /// Sets a person's password hash inside the transaction (with the audit event and the sessions it ends).
    func savePasswordHash(_ hash: String, person: String, at: String) throws

    // Calendar feeds (SQLiteStore+CalendarFeeds.swift): only the SHA-256 of a feed's secret is stored
    /// Records a person's new live feed, citing the audit event that records it.
    func insertCalendarFeed(person: String, tokenSHA256: String, createdAt: String, auditSequence: Int64) throws
    func liveCalendarFeed(person: String) throws -> StoredCalendarFeed?
    /// The feed, live or revoked, whose secret has this SHA-256.
    func calendarFeed(tokenSHA256: String) throws -> StoredCalendarFeed?
    /// Marks a live feed revoked, citing the audit event that records it (the row stays).
    func revokeCalendarFeed(id: Int64, revokedAt: String, auditSequence: Int64) throws

    // API tokens (SQLiteStore+APITokens.swift): only the SHA-256 of a token's secret is stored
    /// Records a person's new live token, citing the audit event that records it; returns its id.
    func insertAPIToken(
        person: String, label: String, tokenSHA256: String, createdAt: String, auditSequence: Int64
    ) throws -> Int64
    /// The token, live or revoked, whose secret has this SHA-256.
    func apiToken(tokenSHA256: String) throws -> StoredAPIToken?
    func apiToken(id: Int64) throws -> StoredAPIToken?
    /// Every token of a person (of everyone when nil), live and revoked, oldest first.
    func apiTokens(person: String?) throws -> [StoredAPIToken]
    /// Marks a live token revoked, citing the audit event that records it (the row stays).
    func revokeAPIToken(id: Int64, revokedAt: String, auditSequence: Int64) throws

    // Notifications: the outbox and its delivery (SQLiteStore+Notifications.swift)
    /// Writes each draft as a pending notification, skipping one whose (recipient, kind, subject, occasion) is
    /// already there; returns how many were newly written.
    func enqueueNotifications(_ drafts: [NotificationDraft], at: Date) throws -> Int
    /// Claims up to `limit` due notifications (pending and due, or claimed with a lease run out) for `node` until
    /// `leaseUntilMs`, each with its recipient's current address (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
    func claimNotifications(
        node: String, nowMs: Int64, leaseUntilMs: Int64, limit: Int
    ) throws
        -> [ClaimedNotification]
    /// Records what became of a claimed notification; false when nothing changed (the claim is no longer `node`'s).
    @discardableResult func settleNotification(
        id: Int64, node: String, _ settlement: NotificationSettlement
    ) throws
        -> Bool
    func notification(id: Int64) throws -> StoredNotification?
    /// An office's notifications in one state (the failed ones, for an administrator), oldest first.
    func notifications(office: String, state: NotificationState) throws -> [StoredNotification]
    /// A person's notifications, newest first.
    func notifications(recipient: String, offset: Int, limit: Int) throws -> [StoredNotification]
    func unreadNotificationCount(recipient: String) throws -> Int
    /// The same count, stopping at `limit` (a header badge shows "99+" past 99; counting a national backlog of
    /// thousands on every page was a tenth of a page's time).
    func unreadNotificationCount(recipient: String, upTo limit: Int) throws -> Int
    /// Marks `recipient`'s own notification read; false when they have no notification `id`.
    func markNotificationRead(id: Int64, recipient: String, atMs: Int64) throws -> Bool
    /// Puts a failed notification back to pending with no attempts; false unless it was failed.
    func resendNotification(id: Int64, nowMs: Int64) throws -> Bool
    func personEmail(name: String) throws -> String?
    func setPersonEmail(name: String, email: String?) throws
    func notificationPreference(person: String) throws -> NotificationPreference
    func setNotificationPreference(person: String, _ delivery: NotificationPreference) throws

    // One-time account links (SQLiteStore+AccountLinks.swift): only the SHA-256 of a link's token is stored
    /// Records a new link, superseding the person's older unused links of the same purpose; returns its id.
    func insertAccountLink(_ link: NewAccountLink) throws -> Int64
    /// The link, in whatever state, whose token has this SHA-256.
    func accountLink(tokenSHA256: String) throws -> StoredAccountLink?
    /// Marks a link used if it is still neither used nor superseded; false when it no longer was.
    func markAccountLinkUsed(id: Int64, atMs: Int64) throws -> Bool
    /// Supersedes every unused link of the person, whatever its purpose; returns how many.
    func supersedeAccountLinks(person: String) throws -> Int
    /// Whether the person has a password (an invitation is only for someone who has none). Never the hash.
    func hasPassword(person: String) throws -> Bool

    // Grant rounds (SQLiteStore+Rounds.swift, issue 29): partners, rounds, applications and their assessment.
    func insertOrganisation(_ organisation: PartnerOrganisation, at: String) throws
    func organisation(orgID: String) throws -> PartnerOrganisation?
    func addPartnerMember(person: String, orgID: String) throws
    /// The org-id of the organisation a partner person applies for, nil for staff.
    func partnerOrganisation(ofPerson person: String) throws -> String?
    func roundCount(office: String) throws -> Int
    func insertRound(_ round: StoredRound, at: String) throws
    func updateRound(id: String, state: RoundState, decisionID: String?) throws
    func round(id: String) throws -> StoredRound?
    func round(decisionID: String) throws -> StoredRound?
    /// Rounds by id; every office when `office` is nil.
    func rounds(office: String?) throws -> [StoredRound]
    func applicationCount(round: String) throws -> Int
    func insertApplication(_ application: StoredApplication) throws
    func updateApplication(id: String, state: ApplicationState, draft: ApplicationDraft, submittedAtMs: Int64?) throws
    func application(id: String) throws -> StoredApplication?
    /// A round's applications, or (round nil) an organisation's, by id.
    func applications(round: String?, orgID: String?) throws -> [StoredApplication]
    func insertEligibility(_ mark: EligibilityMark, at: String) throws
    func eligibility(round: String) throws -> [EligibilityMark]
    func insertConflict(_ declaration: ConflictDeclaration, at: String) throws
    func conflicts(round: String) throws -> [ConflictDeclaration]
    func insertScore(_ score: AssessorScore, at: String) throws
    func scores(round: String) throws -> [AssessorScore]
    func insertRecommendation(_ recommendation: PanelRecommendation, at: String) throws
    func recommendations(round: String) throws -> [PanelRecommendation]

    // Documents attached to records (SQLiteStore+Documents.swift): metadata rows, never deleted
    /// Inserts a document; one that supersedes another marks the older one superseded (once).
    func insertDocument(_ document: StoredDocument) throws
    func document(id: String) throws -> StoredDocument?
    /// A record's documents (ids are unique across decision records, agreements, returns and carry-forwards),
    /// every version, oldest first.
    func documents(recordID: String) throws -> [StoredDocument]
    /// Every document of an office (of every office when nil).
    func documents(office: String?) throws -> [StoredDocument]
    func documentCount(recordID: String) throws -> Int
    /// Records a withdrawal (and whether the bytes were purged); refused when it was withdrawn already.
    func withdrawDocument(id: String, at: String, by: String, reason: String, purged: Bool) throws
    /// Whether a document that is not purged still has these bytes.
    func documentBytesNeeded(sha256: String) throws -> Bool
    // The bytes in the database (`DatabaseDocumentFiles`): base64 chunks under the bytes' SHA-256
    func documentBlob(sha256: String) throws -> (sizeBytes: Int64, chunkCount: Int)?
    func insertDocumentBlob(sha256: String, sizeBytes: Int64, chunkCount: Int) throws
    func insertDocumentChunk(sha256: String, n: Int, data: Data) throws
    func documentChunk(sha256: String, n: Int) throws -> Data?
    func deleteDocumentBlob(sha256: String) throws

    // The second factor (SQLiteStore+SecondFactor.swift): TOTP secrets, hashed recovery codes, hashed challenges
    func secondFactor(person: String) throws -> StoredSecondFactor?
    /// Starts a set-up: any factor the person had is replaced by this unconfirmed secret.
    func saveUnconfirmedSecondFactor(person: String, secretBase32: String, atMs: Int64) throws
    /// Confirms the person's unconfirmed secret with the step of the code that proved it; false when none was waiting.
    func confirmSecondFactor(person: String, atMs: Int64, step: Int64) throws -> Bool
    /// Records `step` as used if it is later than the last one used; false when it was not (a replayed code).
    func useSecondFactorStep(person: String, step: Int64) throws -> Bool
    /// Removes the person's factor and supersedes their unused recovery codes; false when they had none.
    func removeSecondFactor(person: String) throws -> Bool
    /// Supersedes the person's unused recovery codes and stores these (their SHA-256s).
    func replaceRecoveryCodes(person: String, sha256s: [String], atMs: Int64) throws
    /// Marks the person's unused recovery code with this SHA-256 used; false when there is none.
    func useRecoveryCode(person: String, sha256: String, atMs: Int64) throws -> Bool
    func unusedRecoveryCodeCount(person: String) throws -> Int
    /// Stores a challenge (sweeping expired ones).
    func insertSecondFactorChallenge(_ challenge: StoredSecondFactorChallenge) throws
    func secondFactorChallenge(tokenSHA256: String) throws -> StoredSecondFactorChallenge?
    func countSecondFactorFailure(tokenSHA256: String) throws
    /// Marks a challenge used if it was not; false when it already was.
    func markSecondFactorChallengeUsed(tokenSHA256: String, atMs: Int64) throws -> Bool

    // MARK: Office bundles (`opcc export office`, `opcc import office`)
    /// Every table of the database's schema, by the engine's own catalogue (`sqlite_master`, `information_schema`).
    func schemaTables() throws -> [String]
    /// `office`'s rows of `table`, in the table's order, with the columns a bundle carries.
    func officeBundleRows(_ table: OfficeBundleTable, office: String) throws -> OfficeBundleTableRows
    /// How many of `office`'s events belong to the older global chain (written before the chains were per office).
    func officeGlobalChainEvents(office: String) throws -> Int
    /// Inserts a bundle's rows as they are, then rebuilds what the engine derives from them; refused
    /// (`OfficeBundleRefused`) when a table or column has no place in this database's schema.
    func insertOfficeBundle(_ tables: [OfficeBundleTableRows]) throws
}

extension StoreTransaction {
    /// Registers or updates an office as the system (fixtures and tests).
    public func saveOffice(id: String, name: String, orgID: String?, profileText: String, registeredAt: String) throws {
        try saveOffice(
            id: id, name: name, orgID: orgID, profileText: profileText, registeredAt: registeredAt,
            recordedBy: "opcc-system")
    }
}

/// One version of an office's profile, as recorded: what was in force for the records made under it.
public struct OfficeProfileVersion: Hashable, Sendable {
    public let office: String
    public let version: Int
    public let text: String
    public let sha256: String
    public let recordedAt: String
    public let recordedBy: String
}

/// Which returns a page of the returns list holds: one office's, of one agreement or of the agreements a reader's
/// scoped grants cover (nil: all), in one status as of `today`.
public struct ReturnListQuery: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case due, overdue, escalated, awaitingReview = "awaiting-review"
    }

    public var office: String
    public var agreement: String?
    public var agreements: Set<String>?
    public var status: Status?
    public var today: Day

    public init(office: String, agreement: String?, agreements: Set<String>?, status: Status?, today: Day) {
        self.office = office
        self.agreement = agreement
        self.agreements = agreements
        self.status = status
        self.today = today
    }
}
