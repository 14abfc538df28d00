import Foundation
import OPCCCore
import OPCCServices
import Testing

/// The notification rules load with the workflow catalogue, and a bad rule file stops the product starting.
struct NotificationRuleLoadTests {
    /// A home holding the shipped workflows, with `rules` as its only notification rule file.
    private func home(rules: String) throws -> ProductHome {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)")
        let workflows = root.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(
            at: workflows.appendingPathComponent("notifications"), withIntermediateDirectories: true)
        for name in ["decision-request", "quarterly-return", "grant-agreement", "carry-forward"] {
            try FileManager.default.copyItem(
                at: repositoryRoot.appendingPathComponent("workflows/\(name).yaml"),
                to: workflows.appendingPathComponent("\(name).yaml"))
        }
        try rules.write(
            to: workflows.appendingPathComponent("notifications/decision-request.yaml"), atomically: true,
            encoding: .utf8)
        return ProductHome(root: root)
    }

    @Test func theShippedRulesLoadWithTheCatalogue() throws {
        let catalog = try shippedCatalog()
        #expect(
            catalog.notifications.rules(workflow: "decision-request", on: "refer").map(\.kind) == ["decision-referred"])
        #expect(
            catalog.notifications.rules(workflow: "quarterly-return", on: "deadline-escalate").first?.statutory == true)
    }

    @Test func aBadRuleFileStopsTheCatalogueLoadingNamingTheFile() throws {
        let bad = try home(
            rules: """
                workflow: decision-request
                rules:
                  - { on: refer, kind: k, to: [mayor], statutory: false, subject: s, message: m }
                """)
        let refused = #expect(throws: WorkflowCatalog.Invalid.self) {
            try WorkflowCatalog.load(from: bad, registry: .standard)
        }
        #expect(
            refused?.description.hasPrefix("workflows/notifications/decision-request.yaml: rules[0].to 'mayor'") == true
        )
    }
}
