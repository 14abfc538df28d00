// Imports: choose a kind and a CSV file, see the preview (the rows that would be written and every error by row and
// column), then confirm.

extension Templates {
    static let imports: [String: String] = [
        "import": importForm, "import-preview": importPreview, "import-done": importDone,
    ]

    static let importForm = """
        {{> error-summary}}
        <h1>Import from a spreadsheet</h1>
        <p class="lead">Bring in your office's past: its published decisions, its people, and its budgets and grants,
        from CSV files saved by Excel or any other spreadsheet.</p>
        <p>Nothing is written until you have seen a preview of every row and confirmed it. The first row of the file
        names the columns; the columns of each kind are below. Files saved as "CSV UTF-8" and Excel's plain "CSV"
        both work. At most {{limit}} and {{maximumRows}} rows a file.</p>
        <form method="post" action="/import" enctype="multipart/form-data" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <div class="field{{#fe.import_kind}} field-error{{/fe.import_kind}}">
            <fieldset aria-describedby="import-kind-hint"><legend>What the file holds</legend>
            <p class="hint" id="import-kind-hint">Who may import: decisions, an officer or the chief executive;
            people, the chief executive or an administrator; budgets and grants, finance.</p>
            {{#fe.import_kind}}<p class="error-message" id="import-kind-error"><span class="visually-hidden">Error:</span> {{fe.import_kind}}</p>{{/fe.import_kind}}
            {{#kinds}}
            <label for="import-kind-{{value}}" class="radio"><input id="import-kind-{{value}}" type="radio" name="kind" value="{{value}}"{{#checked}} checked{{/checked}}>
              {{label}}</label>
            <p class="hint">Columns: {{columns}}.</p>
            {{/kinds}}
            </fieldset></div>
          <div class="field{{#fe.import_file}} field-error{{/fe.import_file}}"><label for="import-file">The CSV file</label>
            {{#fe.import_file}}<p class="error-message" id="import-file-error"><span class="visually-hidden">Error:</span> {{fe.import_file}}</p>{{/fe.import_file}}
            <input id="import-file" name="file" type="file" accept=".csv,text/csv"></div>
          <button type="submit" class="button">Check the file</button>
        </form>
        <h2>Statuses in a decisions register</h2>
        <p>published (or blank): published; decided or approved: approved, not yet published; not approved;
        deferred: approved, publication deferred; withdrawn. Each row becomes a historic record whose number is never
        given to a new decision.</p>
        """

    static let importPreview = """
        <a href="/import" class="back-link">Choose another file</a>
        <h1>Check the import</h1>
        <p class="lead">{{outcome}}</p>
        <p>{{source}}: {{rowCount}} row(s), read as {{encoding}}. SHA-256 <code>{{sha256}}</code>.</p>
        {{#first(errors)}}
        <div class="error-summary" role="alert" tabindex="-1" aria-labelledby="import-errors-title">
          <h2 id="import-errors-title">{{errorCount}} error(s) in the file</h2>
          <p>Correct them in the spreadsheet and choose the file again{{#canSkip}}, or import only the valid rows{{/canSkip}}.</p>
        </div>
        <h2>Errors</h2>
        <div class="table-wrap"><table class="table small" id="import-errors">
          <thead><tr><th scope="col">Row</th><th scope="col">Column</th><th scope="col">Problem</th></tr></thead>
          <tbody>{{#errors}}<tr><td>{{row}}</td><td>{{column}}</td><td>{{message}}</td></tr>{{/errors}}</tbody>
        </table></div>
        {{/first(errors)}}
        {{#first(accepted)}}
        <h2>What would be written{{#more}} (the first {{shown}} of {{acceptedCount}}){{/more}}</h2>
        <div class="table-wrap"><table class="table small" id="import-rows">
          <thead><tr><th scope="col">Row</th><th scope="col">Becomes</th></tr></thead>
          <tbody>{{#accepted}}<tr><td>{{row}}</td><td>{{summary}}</td></tr>{{/accepted}}</tbody>
        </table></div>
        {{/first(accepted)}}
        {{#canConfirm}}
        <form method="post" action="/import/confirm" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="token" value="{{token}}">
          {{#skipInvalid}}<input type="hidden" name="skip" value="1">{{/skipInvalid}}
          <button type="submit" class="button">{{confirmLabel}}</button>
        </form>
        {{/canConfirm}}
        <p><a href="/import">Cancel and choose another file</a></p>
        """

    static let importDone = """
        <h1>Imported</h1>
        <p class="lead">{{outcome}}</p>
        <p>{{source}} (SHA-256 <code>{{sha256}}</code>): each record's history cites the file and its row.</p>
        {{#first(errors)}}<h2>Rows not imported</h2>
        <div class="table-wrap"><table class="table small"><thead><tr><th scope="col">Row</th><th scope="col">Column</th><th scope="col">Problem</th></tr></thead>
          <tbody>{{#errors}}<tr><td>{{row}}</td><td>{{column}}</td><td>{{message}}</td></tr>{{/errors}}</tbody></table></div>{{/first(errors)}}
        <div class="table-wrap"><table class="table small"><thead><tr><th scope="col">Row</th><th scope="col">Written</th></tr></thead>
          <tbody>{{#accepted}}<tr><td>{{row}}</td><td>{{summary}}</td></tr>{{/accepted}}</tbody></table></div>
        <p><a href="/import">Import another file</a></p>
        """
}
