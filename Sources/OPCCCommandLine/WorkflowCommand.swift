import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc workflow`: the workflow definitions in workflows/.
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow", abstract: "Check, list and draw the workflow definitions.",
        discussion: "Example: opcc workflow diagram quarterly-return --format dot",
        subcommands: [Lint.self, List.self, Diagram.self])

    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate workflow files: names, roles, guards, effects, reachability, terminal states.",
            discussion: "With no FILES, checks every top-level workflows/*.yaml and the notification rules in "
                + "workflows/notifications/*.yaml (against every version of the workflows). Example: opcc workflow "
                + "lint workflows/*.yaml workflows/notifications/*.yaml")
        @Argument(help: "Workflow YAML files.") var files: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                var urls: [URL]
                var ruleFiles: [URL]
                let name: (URL) -> String
                let home = files.isEmpty ? try global.locateHome() : try? global.locateHome()
                if files.isEmpty, let home {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: home.workflows.path)) ?? []
                    urls = names.filter { $0.hasSuffix(".yaml") }.sorted().map {
                        home.workflows.appendingPathComponent($0)
                    }
                    ruleFiles = home.notificationRuleFiles
                    name = home.relative
                } else {
                    let given = files.map { URL(fileURLWithPath: $0) }
                    // A file in a `notifications/` folder is a notification rule file; the rest are workflows.
                    ruleFiles = given.filter { $0.deletingLastPathComponent().lastPathComponent == "notifications" }
                    urls = given.filter { !ruleFiles.contains($0) }
                    name = { url in files[given.firstIndex(of: url) ?? 0] }
                }
                let result = WorkflowCatalog.lint(files: urls, registry: .standard, shownAs: name)
                // Rules given alone are checked against the home's workflows (every version), as they would load.
                var definitions = result.definitions
                if urls.isEmpty, let home, let catalog = try? WorkflowCatalog.load(from: home, registry: .standard) {
                    definitions = catalog.all
                }
                let rules = WorkflowCatalog.lintNotifications(
                    files: ruleFiles, definitions: definitions, shownAs: name)
                let problems = result.problems + rules.problems
                guard problems.isEmpty else { throw LintFailed(problems: problems) }
                for (url, d) in zip(urls, result.definitions) {
                    printLine(
                        "ok \(name(url)): \(d.name) v\(d.version), \(d.states.count) states, "
                            + "\(d.transitions.count) transitions")
                }
                for url in ruleFiles { printLine("ok \(name(url)): notification rules") }
            }
        }
    }

    struct LintFailed: Error, CustomStringConvertible {
        let problems: [WorkflowDefinitionError]
        var description: String {
            "\(problems.count) problem(s) in workflow files:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the workflow definitions and their versions.", discussion: "Example: opcc workflow list")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let catalog = try WorkflowCatalog.load(from: try global.locateHome(), registry: .standard)
                for d in catalog.all {
                    printLine("\(d.name) v\(d.version)\tsha256 \(d.sha256.prefix(12))…\t\(d.description)")
                }
            }
        }
    }

    struct Diagram: AsyncParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case mermaid, dot }

        static let configuration = CommandConfiguration(
            abstract: "Draw a workflow as a Mermaid or Graphviz (dot) state diagram.",
            discussion: "Example: opcc workflow diagram decision-request --format mermaid")
        @Argument(help: "Workflow name, e.g. decision-request.") var name: String
        @Option(help: "mermaid or dot.") var format: Format = .mermaid
        @Option(help: "Version (default: the newest).") var version: Int?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let catalog = try WorkflowCatalog.load(from: try global.locateHome(), registry: .standard)
                guard let d = version.map({ catalog.definition(name, version: $0) }) ?? catalog.latest(name) else {
                    throw ServiceRefusal.notFound(
                        rule: .knownWorkflow,
                        message: "no workflow '\(name)'\(version.map { " version \($0)" } ?? ""); known: "
                            + catalog.definitions.keys.sorted().joined(separator: ", "))
                }
                printLine(format == .mermaid ? WorkflowDiagram.mermaid(d) : WorkflowDiagram.dot(d))
            }
        }
    }
}

/// Renders a definition as a diagram. Presentation, so it lives in the front end, not the engine.
enum WorkflowDiagram {
    static func label(_ t: WorkflowDefinition.Transition) -> String {
        var text = t.event + " [" + t.roles.map(\.rawValue).joined(separator: ", ") + "]"
        if !t.guards.isEmpty { text += " if " + t.guards.joined(separator: ", ") }
        return text
    }

    static func mermaid(_ d: WorkflowDefinition) -> String {
        func id(_ s: String) -> String { s.replacingOccurrences(of: "-", with: "_") }
        var lines = ["stateDiagram-v2", "    %% \(d.name) v\(d.version)", "    [*] --> \(id(d.initial))"]
        for t in d.transitions { lines.append("    \(id(t.from)) --> \(id(t.to)): \(label(t))") }
        for s in d.terminal { lines.append("    \(id(s)) --> [*]") }
        return lines.joined(separator: "\n")
    }

    static func dot(_ d: WorkflowDefinition) -> String {
        var lines = [
            "digraph \"\(d.name)_v\(d.version)\" {", "    rankdir=LR;", "    node [shape=box, style=rounded];",
        ]
        lines.append("    \"__start\" [shape=point];")
        lines.append("    \"__start\" -> \"\(d.initial)\";")
        for s in d.terminal { lines.append("    \"\(s)\" [peripheries=2];") }
        for t in d.transitions { lines.append("    \"\(t.from)\" -> \"\(t.to)\" [label=\"\(label(t))\"];") }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}
