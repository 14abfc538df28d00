import Foundation
import OPCCCore
import OPCCServices

/// A document as the staff pages of an agreement, a return or a carry-forward list it: linked to `GET /documents/ID`
/// (which serves it to the record's readers only) unless its bytes were purged.
struct DocumentLink: Encodable, Sendable {
    var id: String
    var href: String?
    var name: String
    var kind: String
    var type: String
    var size: String
    /// What became of it: replaced by a newer version, or withdrawn with a reason.
    var note: String?

    init(_ d: StoredDocument) {
        id = d.id
        href = d.purged ? nil : "/documents/\(d.id)"
        name = d.name
        kind = statusLabel(d.kind.rawValue)
        type = d.type.label
        size = Self.size(d.sizeBytes)
        if let reason = d.withdrawalReason {
            note = "withdrawn: \(reason)" + (d.purged ? " (file removed)" : "")
        } else {
            note = d.supersededBy.map { "replaced by \($0)" }
        }
    }

    /// Bytes as a reader says them: 812 bytes, 14 KB, 2.3 MB.
    static func size(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}

extension Web {
    /// The record's documents the reader may see (none for anyone who may not read them, as for a record they
    /// may not see), every version, oldest first.
    func documentLinks(_ kind: DocumentRecordKind, _ id: String, user: String) async -> [DocumentLink] {
        ((try? await app.documents(of: .init(kind, id), by: user)) ?? []).map(DocumentLink.init)
    }
}

extension Templates {
    /// The documents section of an agreement's or a return's page (`documents`: `[DocumentLink]`).
    static let documentList = """
        <h2>Documents</h2>
        {{#first(documents)}}
        <table class="table">
          <thead><tr><th scope="col">Document</th><th scope="col">Kind</th><th scope="col">Type</th><th scope="col">Size</th></tr></thead>
          <tbody>{{#documents}}<tr id="document-{{id}}"><td>{{#href}}<a href="{{href}}" download>{{name}}</a>{{/href}}{{^href}}{{name}}{{/href}}{{#note}} ({{note}}){{/note}}</td>
            <td>{{kind}}</td><td>{{type}}</td><td>{{size}}</td></tr>{{/documents}}</tbody>
        </table>
        {{/first(documents)}}
        {{^documents}}<p>No documents are attached.</p>{{/documents}}
        """
}
