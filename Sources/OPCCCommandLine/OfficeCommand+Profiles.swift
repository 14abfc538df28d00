import ArgumentParser
import OPCCCore
import OPCCServices

/// `opcc office add|edit|versions`: registering an office from its profile on any database, and changing it.
extension OfficeCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a new office from its profile (docs/office-profile.md).",
            discussion: """
                The profile is read as the loader reads it: an unknown key is refused with its line, and nothing is \
                written. An office id already in the database is refused (change it with 'opcc office edit'). \
                Anyone who can run the command line on the database may add an office (the command line holds the \
                database's credentials); --as NAME is recorded as who did it, and need not be a person yet. Then \
                add its first person: 'opcc user add NAME --role administrator --office ID'.
                Example: opcc office add --file surrey.yaml --as j.smith
                """)
        @Option(help: "The office's profile (YAML).") var file: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let loaded = try Commissioning.loadProfile(text: try readUserFile(file), source: file)
                let office = try await app.addOffice(loaded, by: try global.actorName())
                printLine("added office \(office.id): \(office.name) (profile version \(office.profileVersion))")
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace an office's profile with a new version (records keep the version they were made under).",
            discussion: """
                The file's id must be the office's. Who may: the office's chief executive or an administrator. The \
                same text as the profile in force changes nothing; 'opcc office versions ID' lists every version.
                Example: opcc office edit surrey --file surrey.yaml --as surrey.chief-executive
                """)
        @Argument(help: "Office id.") var id: String
        @Option(help: "The office's new profile (YAML).") var file: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let loaded = try Commissioning.loadProfile(text: try readUserFile(file), source: file)
                let office = try await app.editOffice(id, with: loaded, by: try global.actorName())
                printLine("office \(office.id): profile version \(office.profileVersion) in force")
            }
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every version of an office's profile.",
            discussion: "Example: opcc office versions surrey --json")
        @Argument(help: "Office id.") var id: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        struct Entry: Encodable {
            var version: Int
            var sha256, recordedAt, recordedBy: String
        }

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let entries = try await app.profileVersions(of: id).map {
                    Entry(version: $0.version, sha256: $0.sha256, recordedAt: $0.recordedAt, recordedBy: $0.recordedBy)
                }
                if output.json {
                    printLine(try jsonText(entries))
                } else {
                    for e in entries { printLine("\(e.version)\t\(e.recordedAt)\t\(e.recordedBy)\t\(e.sha256)") }
                }
            }
        }
    }
}
