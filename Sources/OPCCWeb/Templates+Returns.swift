// The quarterly return screens' templates.

extension Templates {
    static let returns: [String: String] = ["returns": returnList, "return": quarterlyReturn]

    static let returnList = """
        {{> error-summary}}
        <h1>{{heading}}</h1>
        <nav aria-label="Filter returns" class="sub-nav">
          <ul>{{#filters}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/filters}}</ul>
        </nav>
        {{#hasRows}}
        <table class="table">
          <caption class="visually-hidden">{{heading}}</caption>
          <thead><tr><th scope="col">Return</th><th scope="col">Quarter</th><th scope="col">Recipient</th>
            <th scope="col">Due</th><th scope="col">Status</th></tr></thead>
          <tbody>
          {{{rowsHTML}}}
          </tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p>No returns match.</p>{{/hasRows}}
        {{#paging}}
        <nav class="pagination" aria-label="Pages of the returns">
          <p>{{summary}}</p>
          {{#previous}}<a href="{{previous}}" rel="prev">Previous page</a>{{/previous}}
          {{#next}}<a href="{{next}}" rel="next">Next page</a>{{/next}}
        </nav>
        {{/paging}}
        """

    /// A row of the returns list as `RowHTML.returns` writes it, kept as Mustache for the test that holds the two
    /// together (`RowHTMLTests`).
    static let returnRow = """
        <tr><td><a href="{{href}}">{{id}}</a></td><td>{{quarter}}</td><td>{{recipient}}</td><td>{{due}}</td>
          <td><strong class="tag tag-{{stateClass}}">{{state}}</strong>{{#overdue}} <strong class="tag tag-overdue">Overdue</strong>{{/overdue}}{{#escalated}} <strong class="tag tag-overdue">Escalated</strong>{{/escalated}}</td></tr>
        """

    static let quarterlyReturn = """
        {{> error-summary}}
        {{#notice}}<div class="notice" role="status">{{notice}}</div>{{/notice}}
        <span class="caption">{{recipient}} · {{id}}</span>
        <h1>{{heading}}</h1>
        <p><strong class="tag tag-{{stateClass}}">{{state}}</strong>{{#overdue}} <strong class="tag tag-overdue">Overdue</strong>{{/overdue}}</p>
        <dl class="summary-list">
          {{#facts}}<div class="summary-row"><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        {{#form}}
        <h2>Write the return</h2>
        <form method="post" action="/returns/{{id}}/save" novalidate id="board-form">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Spend</h3>
          <div class="field"><label for="spendInQuarter">Spend in the quarter, in pounds</label>
            <input id="spendInQuarter" name="spendInQuarter" inputmode="decimal" class="short" value="{{spendInQuarter}}"></div>
          <div class="field"><label for="spendToDate">Spend to date, in pounds</label>
            <p class="hint" id="spendToDate-hint">Last quarter's spend to date plus this quarter's spend.</p>
            <input id="spendToDate" name="spendToDate" inputmode="decimal" class="short" value="{{spendToDate}}" aria-describedby="spendToDate-hint"></div>
          <div class="field"><label for="varianceExplanation">Explanation of any variance</label>
            <p class="hint" id="varianceExplanation-hint">Needed when spend differs from the profile by 10% or more, either way.</p>
            {{#varianceNeeded}}<p class="warning-text"><strong class="tag tag-overdue">Needed</strong> Spend differs from the profile by {{varianceNeeded}}.</p>{{/varianceNeeded}}
            <textarea id="varianceExplanation" name="varianceExplanation" rows="3" aria-describedby="varianceExplanation-hint">{{varianceExplanation}}</textarea></div>
          <h3>Progress</h3>
          <div class="field"><label for="narrative">Progress this quarter</label>
            <textarea id="narrative" name="narrative" rows="4">{{narrative}}</textarea></div>
          <fieldset class="field"><legend>Milestones</legend>
            <p class="hint">Rate each milestone red, amber or green; red and amber need a reason.</p>
            <table class="table">
              <thead><tr><th scope="col">Milestone</th><th scope="col">Status</th><th scope="col">Reason</th></tr></thead>
              <tbody>
              {{#milestones}}
              <tr>
                <td><label class="visually-hidden" for="milestone-{{index}}-name">Milestone {{number}}</label>
                  <input id="milestone-{{index}}-name" name="milestone-{{index}}-name" value="{{name}}"></td>
                <td><label class="visually-hidden" for="milestone-{{index}}-rag">Status of milestone {{number}}</label>
                  <select id="milestone-{{index}}-rag" name="milestone-{{index}}-rag">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select></td>
                <td><label class="visually-hidden" for="milestone-{{index}}-reason">Reason for milestone {{number}}</label>
                  <input id="milestone-{{index}}-reason" name="milestone-{{index}}-reason" value="{{reason}}"></td>
              </tr>
              {{/milestones}}
              </tbody>
            </table>
          </fieldset>
          {{#first(indicators)}}
          <h3>Outcome indicators</h3>
          {{#indicators}}
          <div class="field"><label for="indicator-{{index}}">{{name}}</label>
            <p class="hint" id="indicator-{{index}}-hint">Unit: {{unit}}. Baseline {{baseline}}; target {{target}}.</p>
            <input type="hidden" name="indicator-{{index}}-name" value="{{name}}">
            <input id="indicator-{{index}}" name="indicator-{{index}}" value="{{actual}}" aria-describedby="indicator-{{index}}-hint"></div>
          {{/indicators}}
          {{/first(indicators)}}
          <h3>Risks and issues</h3>
          <div class="field"><label for="risks">Risks (one per line)</label>
            <textarea id="risks" name="risks" rows="3">{{risks}}</textarea></div>
          <div class="field"><label for="issues">Issues (one per line)</label>
            <textarea id="issues" name="issues" rows="3">{{issues}}</textarea></div>
          <div class="button-group">
            <button type="submit" class="button" formaction="/returns/{{id}}/submit">Save and submit</button>
            <button type="submit" class="button secondary">Save as draft</button>
          </div>
        </form>
        {{/form}}
        {{#reviewer}}
        <h2>Review the return</h2>
        <form method="post" action="/returns/{{id}}/accept" class="action" id="accept">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Accept</h3>
          <p>Accepting releases any instalment paid on this quarter's accepted return.</p>
          <div class="field"><label for="note">Note (optional)</label><textarea id="note" name="note" rows="2">{{note}}</textarea></div>
          <button type="submit" class="button">Accept the return</button>
        </form>
        <form method="post" action="/returns/{{id}}/send-back" class="action" id="send-back">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Send back for revision</h3>
          <div class="field"><label for="reasons">What the board needs to revise</label>
            <textarea id="reasons" name="reasons" rows="3">{{reasons}}</textarea></div>
          <button type="submit" class="button secondary">Send back</button>
        </form>
        {{/reviewer}}
        {{#first(versions)}}
        <h2>Versions</h2>
        <table class="table">
          <thead><tr><th scope="col">Version</th><th scope="col">Submitted</th><th scope="col">Spend</th><th scope="col">Review</th></tr></thead>
          <tbody>{{#versions}}<tr><td>{{number}}</td><td>{{submitted}}</td><td>{{spend}}</td>
            <td>{{review}}{{#reasons}}: {{reasons}}{{/reasons}}{{#correction}} (correction: {{correction}}){{/correction}}</td></tr>{{/versions}}</tbody>
        </table>
        {{/first(versions)}}
        {{> document-list}}
        {{#documentForms}}{{> document-forms}}{{/documentForms}}
        {{#first(trends)}}
        <h2>Outcome indicators by quarter</h2>
        {{#trends}}
        <figure class="chart">
          {{{svg}}}
          <figcaption>
            <table class="table">
              <caption>{{name}} ({{unit}}): baseline {{baseline}}, target {{target}}</caption>
              <thead><tr><th scope="col">Quarter</th><th scope="col">Reading</th></tr></thead>
              <tbody>{{#rows}}<tr><td>{{quarter}}</td><td>{{reading}}</td></tr>{{/rows}}</tbody>
            </table>
            {{^rows}}<p>No readings yet.</p>{{/rows}}
          </figcaption>
        </figure>
        {{/trends}}
        {{/first(trends)}}
        {{#first(lifecycle)}}
        <h2>Lifecycle</h2>
        <table class="table">
          <thead><tr><th scope="col">Date</th><th scope="col">Act</th><th scope="col">To</th><th scope="col">By</th></tr></thead>
          <tbody>{{#lifecycle}}<tr><td>{{day}}</td><td>{{event}}</td><td>{{to}}</td><td>{{actor}}</td></tr>{{/lifecycle}}</tbody>
        </table>
        {{/first(lifecycle)}}
        """
}
