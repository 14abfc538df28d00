import Foundation
import OPCCCore

/// Where the product's data files live: `workflows/` (definitions, calendar data) and `fixtures/` (office profiles,
/// demo scenarios). Found through `--home`, else `OPCC_HOME`, else the current directory, else the directories above
/// the executable.
public struct ProductHome: Sendable {
    public let root: URL

    public var workflows: URL { root.appendingPathComponent("workflows") }
    /// Who is told of what, one file per workflow.
    public var notificationRules: URL { workflows.appendingPathComponent("notifications") }
    /// The notification rule files, in name order.
    public var notificationRuleFiles: [URL] { Self.yamlFiles(in: notificationRules) }
    public var fixtures: URL { root.appendingPathComponent("fixtures") }

    public init(root: URL) { self.root = root }

    /// Why no home was found: every place looked, in order.
    public struct NotFound: Error, CustomStringConvertible {
        public let looked: [String]
        public var description: String {
            "cannot find the product's data (a folder holding workflows/ and fixtures/). Looked in:\n"
                + looked.map { "  - \($0)" }.joined(separator: "\n")
                + "\nRun from the project folder, or pass --home DIR, or set OPCC_HOME."
        }
    }

    /// Finds the home, trying each candidate in order.
    public static func locate(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executable: String = CommandLine.arguments.first ?? ""
    ) throws(NotFound) -> ProductHome {
        var candidates: [(String, URL)] = []
        if let explicit {
            candidates.append(("--home \(explicit)", URL(fileURLWithPath: explicit)))
        } else {
            if let env = environment["OPCC_HOME"], !env.isEmpty {
                candidates.append(("OPCC_HOME=\(env)", URL(fileURLWithPath: env)))
            }
            candidates.append(("the current directory \(currentDirectory)", URL(fileURLWithPath: currentDirectory)))
            var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            while dir.path != "/" && !dir.path.isEmpty {
                candidates.append(("above the executable: \(dir.path)", dir))
                dir = dir.deletingLastPathComponent()
            }
        }
        for (_, url) in candidates where isHome(url) { return ProductHome(root: url.standardizedFileURL) }
        throw NotFound(looked: candidates.map(\.0))
    }

    static func isHome(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        let fm = FileManager.default
        return fm.fileExists(atPath: url.appendingPathComponent("workflows").path, isDirectory: &isDir)
            && isDir.boolValue
            && fm.fileExists(atPath: url.appendingPathComponent("fixtures").path, isDirectory: &isDir)
            && isDir.boolValue
    }

    /// The YAML files directly in `folder`, sorted by name.
    static func yamlFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    /// The path of `url` relative to the home, for messages.
    public func relative(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = root.standardizedFileURL.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}

/// A file that could not be read.
public struct FileReadError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot be read: \(reason)" }
}

func readText(_ url: URL, shownAs name: String) throws(FileReadError) -> String {
    do { return try String(contentsOf: url, encoding: .utf8) } catch {
        throw FileReadError(path: name, reason: error.localizedDescription)
    }
}
