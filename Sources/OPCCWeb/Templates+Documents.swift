// The documents section of a decision's page (a partial of the `decision` template): the list, and the forms to
// attach a file (multipart/form-data, its token first so it is read before the file) and to withdraw a document.
// The forms are a partial of their own (`document-forms`, a `DocumentsSection`), under the list of an agreement's,
// a return's and a carry-forward's documents too.

extension Templates {
    static let documents: [String: String] = [
        "decision-documents": decisionDocuments, "document-forms": documentForms,
        "carry-forward-documents": carryForwardDocuments, "application-documents": applicationDocuments,
    ]

    static let decisionDocuments = """
        {{#documents}}
        <h2 id="documents-heading">Documents</h2>
        {{#first(rows)}}
        <div class="table-wrap">
        <table class="table small">
          <caption class="visually-hidden">The record's documents</caption>
          <thead><tr><th scope="col">Document</th><th scope="col">Kind</th><th scope="col">Part</th><th scope="col">Type and size</th>
            <th scope="col">Attached</th><th scope="col">Status</th></tr></thead>
          <tbody>
          {{#rows}}
          <tr><td>{{#download}}<a href="{{download}}">{{name}}</a>{{/download}}{{^download}}{{name}}{{/download}}<br><span class="caption">{{id}}</span></td>
            <td>{{kind}}</td><td>{{part}}</td><td>{{type}}, {{size}}</td><td>{{uploadedBy}}<br><span class="caption">{{attachedAt}}</span></td>
            <td><strong class="tag tag-{{statusClass}}">{{status}}</strong>{{#withdrawal}}<br>{{withdrawal}}{{/withdrawal}}</td></tr>
          {{/rows}}
          </tbody>
        </table>
        </div>
        {{/first(rows)}}
        {{^rows}}<p>No documents are attached to this record.</p>{{/rows}}
        {{> document-forms}}
        {{/documents}}
        """

    /// The forms to attach and withdraw a record's documents (the context: a `DocumentsSection`).
    static let documentForms = """
        {{#attach}}
        <form method="post" action="{{action}}" enctype="multipart/form-data" class="action" id="documents" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <h3>Attach a document</h3>
          <div class="field{{#fe.documents_file}} field-error{{/fe.documents_file}}"><label for="documents-file">File</label>
            <p class="hint" id="documents-file-hint">A PDF, PNG, JPEG, CSV, plain text, Word, Excel or OpenDocument file of at
            most {{limit}}. Its type is read from its content, not its name; HTML, SVG and files with macros are refused.</p>
            {{#fe.documents_file}}<p class="error-message" id="documents-file-error"><span class="visually-hidden">Error:</span> {{fe.documents_file}}</p>{{/fe.documents_file}}
            <input id="documents-file" name="file" type="file" aria-describedby="documents-file-hint{{#fe.documents_file}} documents-file-error{{/fe.documents_file}}"></div>
          <div class="field{{#fe.documents_kind}} field-error{{/fe.documents_kind}}"><label for="documents-kind">What it is</label>
            <p class="hint" id="documents-kind-hint">{{kindHint}}</p>
            {{#fe.documents_kind}}<p class="error-message" id="documents-kind-error"><span class="visually-hidden">Error:</span> {{fe.documents_kind}}</p>{{/fe.documents_kind}}
            <select id="documents-kind" name="kind" aria-describedby="documents-kind-hint{{#fe.documents_kind}} documents-kind-error{{/fe.documents_kind}}">
              {{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}
            </select></div>
          {{#choosePart}}
          <fieldset class="field{{#fe.documents_part}} field-error{{/fe.documents_part}}" id="documents-part" aria-describedby="documents-part-hint">
            <legend>Part</legend>
            <p class="hint" id="documents-part-hint">Part 1 is published with the decision for anyone to download. Part 2 is
            confidential: only the office's Part 2 readers may open it. If unsure, choose Part 2.</p>
            {{#fe.documents_part}}<p class="error-message"><span class="visually-hidden">Error:</span> {{fe.documents_part}}</p>{{/fe.documents_part}}
            <label for="documents-part-2"><input id="documents-part-2" type="radio" name="part" value="2"{{#part2}} checked{{/part2}}> Part 2 (confidential)</label>
            <label for="documents-part-1"><input id="documents-part-1" type="radio" name="part" value="1"{{#part1}} checked{{/part1}}> Part 1 (published with the decision)</label>
          </fieldset>
          {{/choosePart}}
          {{^choosePart}}<p class="hint" id="documents-part-fixed">Part 2 (confidential): this record is staff-only and
          nothing of it is published, so its documents are always Part 2.</p>{{/choosePart}}
          {{#first(replaces)}}
          <div class="field{{#fe.documents_replaces}} field-error{{/fe.documents_replaces}}"><label for="documents-replaces">Is it a new version of a document?</label>
            {{#fe.documents_replaces}}<p class="error-message" id="documents-replaces-error"><span class="visually-hidden">Error:</span> {{fe.documents_replaces}}</p>{{/fe.documents_replaces}}
            <select id="documents-replaces" name="replaces">
              {{#replaces}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/replaces}}
            </select></div>
          {{/first(replaces)}}
          <button type="submit" class="button">Attach the document</button>
        </form>
        {{/attach}}
        {{#withdraw}}
        <form method="post" action="{{action}}/withdraw" class="action" id="document-withdraw" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <h3>Withdraw a document</h3>
          <p>A withdrawn document leaves every public place at once. The record that it was attached, its hash, and your
          reason stay in the audit log.</p>
          <div class="field{{#fe.document_withdraw_document}} field-error{{/fe.document_withdraw_document}}"><label for="document-withdraw-document">Document</label>
            {{#fe.document_withdraw_document}}<p class="error-message" id="document-withdraw-document-error"><span class="visually-hidden">Error:</span> {{fe.document_withdraw_document}}</p>{{/fe.document_withdraw_document}}
            <select id="document-withdraw-document" name="document">
              {{#documents}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/documents}}
            </select></div>
          <div class="field{{#fe.document_withdraw_reason}} field-error{{/fe.document_withdraw_reason}}"><label for="document-withdraw-reason">Why it is withdrawn</label>
            <p class="hint" id="document-withdraw-reason-hint">For example: it holds a home address.</p>
            {{#fe.document_withdraw_reason}}<p class="error-message" id="document-withdraw-reason-error"><span class="visually-hidden">Error:</span> {{fe.document_withdraw_reason}}</p>{{/fe.document_withdraw_reason}}
            <textarea id="document-withdraw-reason" name="reason" rows="2" aria-describedby="document-withdraw-reason-hint{{#fe.document_withdraw_reason}} document-withdraw-reason-error{{/fe.document_withdraw_reason}}">{{reason}}</textarea></div>
          {{#purgeOffered}}
          <div class="field"><label for="document-withdraw-purge"><input id="document-withdraw-purge" type="checkbox" name="purge" value="1"{{#purge}} checked{{/purge}}> Also remove its file (purge)</label>
            <p class="hint">The bytes are deleted for good, unless another document holds the same file; its hash stays.</p></div>
          {{/purgeOffered}}
          <button type="submit" class="button warning">Withdraw the document</button>
        </form>
        {{/withdraw}}
        """

    /// A carry-forward request's documents: the list, and the forms for its attachers.
    static let carryForwardDocuments = """
        <h1>Documents of carry-forward {{id}}</h1>
        {{> error-summary}}
        {{> document-list}}
        {{#documentForms}}{{> document-forms}}{{/documentForms}}
        """

    /// A grant application's documents: the list, and the forms for its applicants while it is a draft.
    static let applicationDocuments = """
        <h1>Documents of {{title}}</h1>
        <p class="caption">Application {{id}}. <a href="{{application}}">Back to the application</a></p>
        {{> error-summary}}
        {{> document-list}}
        {{#documentForms}}{{> document-forms}}{{/documentForms}}
        """
}
