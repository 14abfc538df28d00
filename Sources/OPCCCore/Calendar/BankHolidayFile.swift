import Yams

/// Why a bank holiday file could not be used. The description names the file, the entry and field, and the problem,
/// so that the office member who edited the file can fix it without reading code, e.g.
/// `workflows/calendar/bank-holidays.yaml: extra[0].date: '2030-02-30' is not a date: write it as YYYY-MM-DD, ...`.
public struct CalendarDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem it is, for callers and tests that branch on it.
    public enum Kind: Equatable, Sendable {
        case badYAML
        case unsupportedVersion
        case wrongShape
        case unknownField
        case missingField
        case badDate
        case notARuleHoliday
        case duplicate
    }

    public let kind: Kind
    /// The file the text came from, as given to `BankHolidayFile.parse(yaml:source:)`.
    public let source: String
    /// The entry and field at fault, e.g. `extra[0].date`; empty when the problem is the whole file.
    public let location: String
    /// What is wrong and how to put it right.
    public let problem: String

    public init(kind: Kind, source: String, location: String, problem: String) {
        self.kind = kind
        self.source = source
        self.location = location
        self.problem = problem
    }

    public var description: String {
        location.isEmpty ? "\(source): \(problem)" : "\(source): \(location): \(problem)"
    }
}

/// Reads `workflows/calendar/bank-holidays.yaml`, the office-editable list of moved and one-off bank holidays, so that
/// an office can add a newly proclaimed day (a state funeral, a jubilee) without waiting for a release. The format:
///
/// ```yaml
/// version: 1
/// extra:            # one-off extra days
///   - date: 2030-01-02
///     name: Example one-off day
/// moved:            # a rule day moved to another day
///   - from: 2020-05-04
///     to: 2020-05-08
///     name: Early May bank holiday (VE Day)
/// ```
///
/// Only the text is parsed here (the core reads no files); the caller reads the file and passes its path as `source`.
public enum BankHolidayFile {
    /// The only format version understood.
    public static let version = 1

    /// Parses the file's text into adjustments for `WorkingDayCalendar(additional:)`, checking each entry so that a
    /// mistake is reported, with its place, instead of silently shifting deadlines. An entry that repeats a built-in
    /// adjustment exactly is accepted (so the file may list days a later release also builds in). Rejected: text
    /// that is not YAML, a missing or unknown field, a date that is not `YYYY-MM-DD`, a move whose `from` is not a
    /// rule holiday of its year, and an entry that repeats another or puts a holiday on a day that already has one.
    public static func parse(yaml: String, source: String) throws(CalendarDataError) -> [BankHolidayAdjustment] {
        var reader = Reader(source: source)
        return try reader.read(yaml)
    }

    private struct Reader {
        let source: String
        let builtInCalendar = WorkingDayCalendar()
        /// Days the file puts a holiday on, with where.
        var addedAt: [Day: String] = [:]
        /// Rule days the file moves away, with where.
        var movedAt: [Day: String] = [:]

        init(source: String) {
            self.source = source
        }

        func fail(_ kind: CalendarDataError.Kind, _ location: String, _ problem: String) -> CalendarDataError {
            CalendarDataError(kind: kind, source: source, location: location, problem: problem)
        }

        mutating func read(_ yaml: String) throws(CalendarDataError) -> [BankHolidayAdjustment] {
            let root: Node?
            do {
                root = try StrictYAML.compose(yaml, source: source)
            } catch {
                throw fail(.badYAML, "", error.problem)
            }
            guard let root, let top = root.mapping else {
                throw fail(.wrongShape, "", "expected a mapping with keys version, extra and moved")
            }
            try refuseUnknownKeys(top, known: ["version", "extra", "moved"], at: "")
            var versionSeen = false
            var result: [BankHolidayAdjustment] = []
            for (keyNode, value) in top {
                let key = keyNode.string ?? ""
                switch key {
                case "version":
                    guard value.int == BankHolidayFile.version else {
                        throw fail(
                            .unsupportedVersion, "version",
                            "'\(value.string ?? "")' is not a supported version: this release reads version 1")
                    }
                    versionSeen = true
                case "extra":
                    for (index, entry) in try entries(value, "extra").enumerated() {
                        if let adjustment = try readExtra(entry, "extra[\(index)]") { result.append(adjustment) }
                    }
                case "moved":
                    for (index, entry) in try entries(value, "moved").enumerated() {
                        if let adjustment = try readMoved(entry, "moved[\(index)]") { result.append(adjustment) }
                    }
                default:
                    break  // refused above
                }
            }
            guard versionSeen else {
                throw fail(.missingField, "version", "missing: the file must say 'version: 1'")
            }
            return result
        }

        /// The items of a list field; an empty value (`extra:`) is an empty list.
        func entries(_ node: Node, _ location: String) throws(CalendarDataError) -> [Node] {
            if node.null != nil { return [] }
            guard let sequence = node.sequence else {
                throw fail(.wrongShape, location, "expected a list of entries (each starting with '- '), or []")
            }
            return Array(sequence)
        }

        /// Refuses a key of the mapping at `path` not among `known`, naming it and its line.
        func refuseUnknownKeys(_ mapping: Node.Mapping, known: [String], at path: String) throws(CalendarDataError) {
            do { try StrictYAML.refuseUnknownKeys(in: mapping, known: known, at: path, source: source) } catch {
                throw fail(.unknownField, error.field, error.problem)
            }
        }

        /// The named scalar fields of one entry, after checking there are no others.
        func fields(_ node: Node, _ location: String, _ names: [String]) throws(CalendarDataError) -> [String: String] {
            let list = names.joined(separator: ", ")
            guard let mapping = node.mapping else {
                throw fail(.wrongShape, location, "expected an entry with fields \(list)")
            }
            try refuseUnknownKeys(mapping, known: names, at: location)
            var values: [String: String] = [:]
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                guard let text = value.scalar?.string, value.null == nil, !text.isEmpty else {
                    throw fail(.wrongShape, "\(location).\(key)", "expected a single value")
                }
                values[key] = text
            }
            for name in names where values[name] == nil {
                throw fail(.missingField, "\(location).\(name)", "missing: an entry here needs \(list)")
            }
            return values
        }

        func day(_ text: String, _ location: String) throws(CalendarDataError) -> Day {
            do {
                return try Day(iso: text)
            } catch {
                throw fail(.badDate, location, error.description)
            }
        }

        /// Checks that no other entry, and no holiday already known, is on `day`.
        mutating func claim(_ day: Day, _ location: String) throws(CalendarDataError) {
            if let earlier = addedAt[day] {
                throw fail(.duplicate, location, "\(day) is already listed at \(earlier): list each day once")
            }
            if let existing = builtInCalendar.bankHoliday(on: day) {
                throw fail(
                    .duplicate, location,
                    "\(day) is already a bank holiday (\(existing.name)): remove this entry")
            }
            addedAt[day] = location
        }

        mutating func readExtra(_ node: Node, _ location: String) throws(CalendarDataError) -> BankHolidayAdjustment? {
            let values = try fields(node, location, ["date", "name"])
            let date = try day(values["date", default: ""], "\(location).date")
            let adjustment = BankHolidayAdjustment.extra(BankHoliday(day: date, name: values["name", default: ""]))
            if BankHolidayAdjustment.builtIn.contains(adjustment), addedAt[date] == nil {
                addedAt[date] = location
                return adjustment
            }
            try claim(date, "\(location).date")
            return adjustment
        }

        mutating func readMoved(_ node: Node, _ location: String) throws(CalendarDataError) -> BankHolidayAdjustment? {
            let values = try fields(node, location, ["from", "to", "name"])
            let from = try day(values["from", default: ""], "\(location).from")
            let to = try day(values["to", default: ""], "\(location).to")
            let adjustment = BankHolidayAdjustment.moved(
                from: from, to: BankHoliday(day: to, name: values["name", default: ""]))
            if let earlier = movedAt[from] {
                throw fail(.duplicate, "\(location).from", "\(from) is already moved at \(earlier): move it once")
            }
            if BankHolidayAdjustment.builtIn.contains(adjustment), addedAt[to] == nil {
                movedAt[from] = location
                addedAt[to] = location
                return adjustment
            }
            let ruleDays = BankHolidayRules.holidays(in: from.year)
            guard ruleDays.contains(where: { $0.day == from }) else {
                let list = ruleDays.map(\.day.iso).joined(separator: ", ")
                throw fail(
                    .notARuleHoliday, "\(location).from",
                    "\(from) is not a rule bank holiday of \(from.year), so it cannot be moved (they are \(list))")
            }
            for case .moved(let builtInFrom, let builtInTo) in BankHolidayAdjustment.builtIn where builtInFrom == from {
                throw fail(
                    .duplicate, "\(location).from",
                    "\(from) is already moved to \(builtInTo.day) by a built-in adjustment: remove this entry")
            }
            movedAt[from] = location
            try claim(to, "\(location).to")
            return adjustment
        }
    }
}
