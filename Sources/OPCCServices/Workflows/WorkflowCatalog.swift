import Foundation
import OPCCCore

/// Every workflow definition the product ships, read from the top-level `workflows/*.yaml` files and validated.
/// Subfolders (`workflows/calendar/`, `workflows/vli/`) hold other data and are not read here.
public struct WorkflowCatalog: Sendable {
    /// Definitions by name, then version.
    public let definitions: [String: [Int: WorkflowDefinition]]
    /// Which file each definition came from, for messages.
    public let sources: [String: String]
    /// Who is told of what (`workflows/notifications/*.yaml`), kept apart from the definitions they speak of.
    public let notifications: NotificationRuleBook

    public init(
        definitions: [WorkflowDefinition], sources: [String: String] = [:],
        notifications: NotificationRuleBook = NotificationRuleBook()
    ) {
        var byName: [String: [Int: WorkflowDefinition]] = [:]
        for d in definitions { byName[d.name, default: [:]][d.version] = d }
        self.definitions = byName
        self.sources = sources
        self.notifications = notifications
    }

    /// Every problem found in a set of workflow files, each naming the file.
    public struct Invalid: Error, CustomStringConvertible {
        public let problems: [WorkflowDefinitionError]
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    /// Reads and validates files; returns the definitions and every problem found (nothing is half-loaded).
    public static func lint(
        files: [URL], registry: WorkflowRegistry, shownAs name: (URL) -> String
    ) -> (definitions: [WorkflowDefinition], problems: [WorkflowDefinitionError]) {
        var definitions: [WorkflowDefinition] = []
        var problems: [WorkflowDefinitionError] = []
        var seen: [String: String] = [:]
        for file in files {
            let source = name(file)
            let definition: WorkflowDefinition
            do {
                let text = try readText(file, shownAs: source)
                definition = try WorkflowDefinition.parse(yaml: text, source: source)
            } catch let error as WorkflowDefinitionError {
                problems.append(error)
                continue
            } catch {
                problems.append(WorkflowDefinitionError(source: source, subject: "(file)", problem: "\(error)"))
                continue
            }
            let key = "\(definition.name) v\(definition.version)"
            if let other = seen[key] {
                problems.append(
                    WorkflowDefinitionError(source: source, subject: "version", problem: "\(key) is also in \(other)"))
            }
            seen[key] = source
            problems += WorkflowValidator.problems(in: definition, source: source, registry: registry)
            definitions.append(definition)
        }
        return (definitions, problems)
    }

    /// Reads notification rule files and checks them against `definitions` (every version): returns the rules and
    /// every problem found, each naming the file.
    public static func lintNotifications(
        files: [URL], definitions: [WorkflowDefinition], shownAs name: (URL) -> String
    ) -> (rules: [NotificationRule], problems: [WorkflowDefinitionError]) {
        var rules: [NotificationRule] = []
        var problems: [WorkflowDefinitionError] = []
        var kinds: [String: String] = [:]
        for file in files {
            let source = name(file)
            do {
                let parsed = try NotificationRuleFile.parse(yaml: try readText(file, shownAs: source), source: source)
                problems += NotificationRuleBook.problems(
                    in: parsed, source: source, definitions: definitions, kindsSeen: &kinds)
                rules += parsed
            } catch let error as WorkflowDefinitionError {
                problems.append(error)
            } catch {
                problems.append(WorkflowDefinitionError(source: source, subject: "(file)", problem: "\(error)"))
            }
        }
        return (rules, problems)
    }

    /// Loads the home's workflows and their notification rules, refusing to start if any file is invalid.
    public static func load(from home: ProductHome, registry: WorkflowRegistry) throws(Invalid) -> WorkflowCatalog {
        let files = ProductHome.yamlFiles(in: home.workflows)
        let result = lint(files: files, registry: registry, shownAs: home.relative)
        guard result.problems.isEmpty else { throw Invalid(problems: result.problems) }
        let notified = lintNotifications(
            files: ProductHome.yamlFiles(in: home.notificationRules), definitions: result.definitions,
            shownAs: home.relative)
        guard notified.problems.isEmpty else { throw Invalid(problems: notified.problems) }
        var sources: [String: String] = [:]
        for (file, d) in zip(files, result.definitions) { sources["\(d.name)@\(d.version)"] = home.relative(file) }
        return WorkflowCatalog(
            definitions: result.definitions, sources: sources,
            notifications: NotificationRuleBook(rules: notified.rules))
    }

    /// The newest version of a workflow: what new instances start on.
    public func latest(_ name: String) -> WorkflowDefinition? {
        definitions[name]?.max { $0.key < $1.key }?.value
    }

    public func definition(_ name: String, version: Int) -> WorkflowDefinition? { definitions[name]?[version] }

    public var all: [WorkflowDefinition] {
        definitions.keys.sorted().flatMap { name in definitions[name]!.keys.sorted().map { definitions[name]![$0]! } }
    }
}

extension WorkingDayCalendar {
    /// The calendar with the office-maintained one-off days from `workflows/calendar/bank-holidays.yaml`, if present.
    public static func load(from home: ProductHome) throws -> WorkingDayCalendar {
        let file = home.workflows.appendingPathComponent("calendar/bank-holidays.yaml")
        guard FileManager.default.fileExists(atPath: file.path) else { return WorkingDayCalendar() }
        let name = home.relative(file)
        let text = try readText(file, shownAs: name)
        return WorkingDayCalendar(additional: try BankHolidayFile.parse(yaml: text, source: name))
    }
}

/// An office profile with the text it was read from.
public struct LoadedProfile: Sendable {
    public let profile: OfficeProfile
    public let text: String
    public let source: String

    public init(profile: OfficeProfile, text: String, source: String) {
        self.profile = profile
        self.text = text
        self.source = source
    }
}

extension OfficeProfile {
    /// Reads and validates every `fixtures/offices/*.yaml`; the first bad one stops the load with its file, field
    /// and reason.
    public static func loadAll(from home: ProductHome) throws -> [LoadedProfile] {
        let folder = home.fixtures.appendingPathComponent("offices")
        var loaded: [LoadedProfile] = []
        for file in ProductHome.yamlFiles(in: folder) {
            let source = home.relative(file)
            let text = try readText(file, shownAs: source)
            let profile = try OfficeProfile.parse(yaml: text, source: source)
            if let other = loaded.first(where: { $0.profile.id == profile.id }) {
                throw OfficeProfileError(
                    source: source, field: "id", problem: "'\(profile.id)' is also used by \(other.source)")
            }
            loaded.append(LoadedProfile(profile: profile, text: text, source: source))
        }
        return loaded
    }
}
