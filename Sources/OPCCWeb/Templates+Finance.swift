// The finance screens' templates: budgets, reconciliation, allocations, agreements and carry-forwards.

extension Templates {
    static let finance: [String: String] = [
        "finance-nav": financeNav, "finance": budgets, "allocations": allocations, "split-preview": splitPreview,
        "grants": grants, "grant": grant, "carry-forwards": carryForwards, "document-list": documentList,
    ]

    static let financeNav = """
        <nav aria-label="Finance" class="sub-nav">
          <ul>{{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}</ul>
        </nav>
        """

    static let yearNav = """
        {{#first(years)}}
        <nav aria-label="Financial year" class="sub-nav years">
          <ul>{{#years}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/years}}</ul>
        </nav>
        {{/first(years)}}
        """

    /// A line of the reconciliation on the finance page: what `FinancePage.rowsHTML` writes in Swift for each
    /// (`FinanceRowHTMLTests` holds the two the same).
    static let financeRow = """
        <tr{{#strandLine}} class="strand-line"{{/strandLine}}><th scope="row">{{line}}</th><td class="num">{{budget}}</td><td class="num">{{allocated}}</td>
          <td class="num">{{committed}}</td><td class="num">{{paid}}</td><td class="num">{{returned}}</td><td class="num">{{carriedIn}}</td>
          <td class="num">{{carriedOut}}</td><td class="num">{{available}}</td><td class="num">{{unallocated}}</td><td class="num">{{clawback}}</td></tr>
        """

    static let budgets = """
        {{> error-summary}}
        <span class="caption">Finance · {{office}}</span>
        <h1>Budgets and reconciliation{{#year}}, {{year}}{{/year}}</h1>
        {{> finance-nav}}
        \(yearNav)
        {{^hasMoney}}<p>No budget has been set for this office yet.</p>{{/hasMoney}}
        {{#hasMoney}}
        <h2>Budget by strand</h2>
        <figure class="chart">
          {{{svg}}}
          <figcaption>
            <table class="table">
              <caption>Budget used per strand, {{year}}</caption>
              <thead><tr><th scope="col">Strand</th><th scope="col" class="num">Budget</th><th scope="col" class="num">Allocated</th>
                <th scope="col" class="num">Paid</th><th scope="col" class="num">Unallocated</th><th scope="col" class="num">Allocated of budget</th></tr></thead>
              <tbody>{{#strands}}<tr><th scope="row">{{strand}}: {{name}}</th><td class="num">{{budget}}</td><td class="num">{{allocated}}</td>
                <td class="num">{{paid}}</td><td class="num">{{unallocated}}</td><td class="num">{{used}}</td></tr>{{/strands}}</tbody>
            </table>
          </figcaption>
        </figure>
        <h2>Reconciliation</h2>
        <p>Every figure is derived from the ledger's postings. Committed is money under signed or active agreements.
          <a href="{{csv}}" download>Download the reconciliation as CSV<span class="visually-hidden"> for {{year}}</span></a> (money in pence).</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Reconciliation table (scrolls sideways)">
        <table class="table small">
          <caption class="visually-hidden">Reconciliation {{year}}, by strand and recipient</caption>
          <thead><tr><th scope="col">Line</th><th scope="col" class="num">Budget</th><th scope="col" class="num">Allocated</th>
            <th scope="col" class="num">Committed</th><th scope="col" class="num">Paid</th><th scope="col" class="num">Returned</th>
            <th scope="col" class="num">Carried in</th><th scope="col" class="num">Carried out</th><th scope="col" class="num">Available</th>
            <th scope="col" class="num">Unallocated</th><th scope="col" class="num">Due back</th></tr></thead>
          <tbody>
          {{{rowsHTML}}}
          </tbody>
        </table>
        </div>
        {{#paging}}
        <nav class="pagination" aria-label="Pages of the reconciliation">
          <p>{{summary}}</p>
          {{#previous}}<a href="{{previous}}" rel="prev">Previous page</a>{{/previous}}
          {{#next}}<a href="{{next}}" rel="next">Next page</a>{{/next}}
        </nav>
        {{/paging}}
        {{/hasMoney}}
        {{#budgetForm}}
        <h2 id="set-budget">Set a strand's budget</h2>
        <p>The strand's budget for the year becomes the amount you enter; the difference comes from (or goes back to) the
          office's funding for the year. A budget cannot be cut below what is already allocated from it.</p>
        <form method="post" action="/finance/budget" novalidate class="action" id="budget">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="form" value="budget">
          \(input("budget-year", name: "year", label: "Financial year", hint: "For example, 2016/17"))
          \(input("budget-strand", name: "strand", label: "Strand code", hint: "A new code adds a strand, for example VICTIMS"))
          \(input("budget-name", name: "name", label: "Strand name", hint: "Needed for a new strand, for example Victims' services", width: ""))
          \(input("budget-amount", name: "amount", label: "Budget for the year, in pounds", hint: "For example, £10,000", inputmode: "decimal"))
          <button type="submit" class="button">Set the budget</button>
        </form>
        {{/budgetForm}}
        {{#vireForm}}
        <h2 id="virement">Move money between strands</h2>
        <p>A virement moves unallocated budget from one strand to another in the same year, with a reason. Above the
          office's threshold it needs an approved decision.</p>
        <form method="post" action="/finance/virement" novalidate class="action" id="vire">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="form" value="vire">
          \(input("vire-year", name: "year", label: "Financial year", hint: "For example, 2016/17"))
          \(input("vire-from", name: "from", label: "From strand", hint: "The strand the money leaves, for example ASB"))
          \(input("vire-to", name: "to", label: "To strand", hint: "The strand the money joins, for example VICTIMS"))
          \(input("vire-amount", name: "amount", label: "Amount, in pounds", inputmode: "decimal"))
          \(textarea("vire-reason", name: "reason", label: "Reason for the virement"))
          \(input("vire-decision", name: "decision", label: "Approving decision number (if the amount needs one)", hint: "For example, 014/2016"))
          <button type="submit" class="button">Move the money</button>
        </form>
        {{/vireForm}}
        """

    static let allocations = """
        {{> error-summary}}
        <span class="caption">Finance</span>
        <h1>Allocations{{#year}}, {{year}}{{/year}}</h1>
        {{> finance-nav}}
        \(yearNav)
        {{#first(rows)}}
        <table class="table small">
          <caption class="visually-hidden">Allocations {{year}}</caption>
          <thead><tr><th scope="col">Allocation</th><th scope="col">Recipient</th><th scope="col">Strand</th><th scope="col">Area</th>
            <th scope="col">Decision</th><th scope="col">Method</th><th scope="col">Date</th><th scope="col" class="num">Amount</th></tr></thead>
          <tbody>
          {{#rows}}<tr><td>{{id}}</td><td>{{recipient}} <span class="caption">{{orgID}}</span></td><td>{{strand}}</td><td>{{area}}</td>
            <td>{{decision}}</td><td>{{method}}{{#band}} ({{band}} band){{/band}}{{#rcco}} <strong class="tag tag-grey">Includes capital</strong>{{/rcco}}</td>
            <td>{{day}}</td><td class="num">{{amount}}</td></tr>{{/rows}}
          </tbody>
          <tfoot><tr><th scope="row" colspan="7">Total</th><td class="num"><strong>{{total}}</strong></td></tr></tfoot>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>No allocations in this year.</p>{{/rows}}
        {{#single}}
        <h2 id="allocate">Allocate to one recipient</h2>
        <p>Allocate money from a strand to a recipient under an approved decision. It cannot take the decision beyond
          what it approved, nor the strand beyond its unallocated budget.</p>
        <form method="post" action="/finance/allocations/single" novalidate class="action" id="single">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="form" value="single">
          \(input("single-year", name: "year", label: "Financial year", hint: "For example, 2016/17"))
          \(input("single-strand", name: "strand", label: "Strand code", hint: "For example, ASB"))
          \(input("single-decision", name: "decision", label: "Approving decision number", hint: "For example, 014/2016"))
          \(input("single-recipient", name: "recipient", label: "Recipient org-id", hint: "For example, GB-LAE-CAR or GB-CHC-1234567"))
          \(input("single-recipientName", name: "recipientName", label: "Recipient name", width: ""))
          \(input("single-purpose", name: "purpose", label: "What the money is for", width: ""))
          \(input("single-area", name: "area", label: "Ward or district (optional)", width: ""))
          \(input("single-amount", name: "amount", label: "Amount, in pounds", hint: "For example, £5,000", inputmode: "decimal"))
          <fieldset class="field"><legend>Capital</legend>
            <label for="single-capital"><input id="single-capital" type="checkbox" name="capital" value="yes"{{#capital}} checked{{/capital}}> Capital rather than revenue spending</label>
            <label for="single-rcco"><input id="single-rcco" type="checkbox" name="rcco" value="yes"{{#rcco}} checked{{/rcco}}> Includes a revenue contribution to capital</label>
          </fieldset>
          <button type="submit" class="button">Allocate</button>
        </form>
        {{/single}}
        {{#split}}
        <h2 id="split">Allocate by formula</h2>
        <p>Divide a total between recipients by weighted factors (for example population 50, crime 25, non-crime demand 25).
          Shares are worked out to the penny and add up exactly to the total. You will see the split per area before
          anything is allocated.</p>
        <form method="post" action="/finance/allocations/preview" novalidate class="action">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <div class="field"><label for="split-year">Financial year</label>
            <p class="hint" id="split-year-hint">For example, 2017/18</p>
            <input id="split-year" name="year" class="short" value="{{year}}" aria-describedby="split-year-hint"></div>
          <div class="field"><label for="split-strand">Strand code</label>
            <input id="split-strand" name="strand" class="short" value="{{strand}}"></div>
          <div class="field"><label for="split-decision">Approving decision number</label>
            <p class="hint" id="split-decision-hint">The approved decision the money is spent under, for example 014/2016</p>
            <input id="split-decision" name="decision" class="short" value="{{decision}}" aria-describedby="split-decision-hint"></div>
          <div class="field"><label for="split-purpose">What the money is for</label>
            <input id="split-purpose" name="purpose" value="{{purpose}}"></div>
          <div class="field"><label for="split-total">Total to divide, in pounds</label>
            <input id="split-total" name="total" inputmode="decimal" class="short" value="{{total}}"></div>
          <fieldset class="field"><legend>Factors and their weights</legend>
            <table class="table">
              <thead><tr><th scope="col">Factor</th><th scope="col">Weight</th></tr></thead>
              <tbody>
              {{#factors}}<tr>
                <td><label class="visually-hidden" for="factor-{{index}}-name">Factor {{number}} name</label>
                  <input id="factor-{{index}}-name" name="factor-{{index}}-name" value="{{name}}"></td>
                <td><label class="visually-hidden" for="factor-{{index}}-weight">Factor {{number}} weight</label>
                  <input id="factor-{{index}}-weight" name="factor-{{index}}-weight" inputmode="numeric" class="short" value="{{weight}}"></td>
              </tr>{{/factors}}
              </tbody>
            </table>
          </fieldset>
          <fieldset class="field"><legend>Recipients</legend>
            <p class="hint">Each recipient's org-id (for example GB-LAE-WLV), name, area and its figure for each factor, in
              the order of the factors above.</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Recipients (scrolls sideways)">
            <table class="table small">
              <thead><tr><th scope="col">Org-id</th><th scope="col">Name</th><th scope="col">Area</th>
                {{#factors}}<th scope="col">Factor {{number}}</th>{{/factors}}</tr></thead>
              <tbody>
              {{#recipients}}<tr>
                <td><label class="visually-hidden" for="r-{{index}}-orgId">Recipient {{number}} org-id</label>
                  <input id="r-{{index}}-orgId" name="r-{{index}}-orgId" value="{{orgId}}"></td>
                <td><label class="visually-hidden" for="r-{{index}}-name">Recipient {{number}} name</label>
                  <input id="r-{{index}}-name" name="r-{{index}}-name" value="{{name}}"></td>
                <td><label class="visually-hidden" for="r-{{index}}-area">Recipient {{number}} area</label>
                  <input id="r-{{index}}-area" name="r-{{index}}-area" value="{{area}}"></td>
                {{#factors}}<td><label class="visually-hidden" for="r-{{row}}-f{{index}}">Recipient {{row}} factor {{number}}</label>
                  <input id="r-{{row}}-f{{index}}" name="r-{{row}}-f{{index}}" inputmode="numeric" class="short" value="{{value}}"></td>{{/factors}}
              </tr>{{/recipients}}
              </tbody>
            </table>
            </div>
          </fieldset>
          <button type="submit" class="button">Preview the split</button>
        </form>
        {{/split}}
        """

    static let splitPreview = """
        <span class="caption">Allocations · formula split</span>
        <h1>Check the split before you confirm it</h1>
        <dl class="summary-list">
          <div class="summary-row"><dt>Year and strand</dt><dd>{{year}} {{strand}}</dd></div>
          <div class="summary-row"><dt>Decision</dt><dd>{{decision}}</dd></div>
          <div class="summary-row"><dt>Purpose</dt><dd>{{purpose}}</dd></div>
          <div class="summary-row"><dt>Weights</dt><dd>{{#factorNames}}{{name}} {{weight}}; {{/factorNames}}</dd></div>
        </dl>
        <figure class="chart">
          {{{svg}}}
          <figcaption>
            <table class="table">
              <caption>The split per area</caption>
              <thead><tr><th scope="col">Recipient</th><th scope="col">Area</th>{{#factorNames}}<th scope="col" class="num">{{name}}</th>{{/factorNames}}<th scope="col" class="num">Share</th></tr></thead>
              <tbody>{{#rows}}<tr><th scope="row">{{recipient}} <span class="caption">{{orgID}}</span></th><td>{{area}}</td>
                {{#factors}}<td class="num">{{value}}</td>{{/factors}}<td class="num">{{amount}}</td></tr>{{/rows}}</tbody>
              <tfoot><tr><th scope="row">Total</th><td></td>{{#factorNames}}<td></td>{{/factorNames}}<td class="num"><strong>{{total}}</strong></td></tr></tfoot>
            </table>
          </figcaption>
        </figure>
        <div class="notice" role="status">Nothing is allocated yet. Confirming checks the decision and the strand's budget
          and allocates every share, or none.</div>
        <form method="post" action="/finance/allocations/confirm">
          <input type="hidden" name="csrf" value="{{csrf}}">
          {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}
          <div class="button-group">
            <button type="submit" class="button">Confirm and allocate</button>
            <button type="submit" class="button secondary" formaction="/finance/allocations/change">Change the split</button>
          </div>
        </form>
        """

    static let carryForwards = """
        {{> error-summary}}
        <span class="caption">Finance</span>
        <h1>Carry-forwards</h1>
        {{> finance-nav}}
        <p>A forecast underspend moves into the next year only with the Commissioner's permission; refused, it is due back.</p>
        {{#first(rows)}}
        <table class="table small">
          <caption class="visually-hidden">Carry-forward requests</caption>
          <thead><tr><th scope="col">Request</th><th scope="col">Recipient and strand</th><th scope="col">Years</th>
            <th scope="col" class="num">Forecast</th><th scope="col">Reason</th><th scope="col">Status</th></tr></thead>
          <tbody>
          {{#rows}}<tr id="cf-{{id}}"><td>{{id}}</td><td>{{recipient}} {{strand}}</td><td>{{from}} to {{to}}</td><td class="num">{{forecast}}</td>
            <td>{{reason}}{{#actual}}<br>Actual underspend {{actual}}{{/actual}}{{#decision}}<br>Decision {{decision}}{{/decision}}{{#documents}}<br>{{#href}}<a href="{{href}}" download>{{name}}</a>{{/href}}{{^href}}{{name}}{{/href}} ({{kind}}, {{type}}, {{size}}{{#note}}; {{note}}{{/note}}){{/documents}}{{#documentsPage}}<br><a href="{{documentsPage}}">Attach or withdraw documents<span class="visually-hidden"> of {{id}}</span></a>{{/documentsPage}}</td>
            <td><strong class="tag tag-{{stateClass}}">{{state}}</strong></td></tr>{{/rows}}
          </tbody>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>No carry-forward requests.</p>{{/rows}}
        {{#rows}}{{#decide}}
        <form method="post" action="/finance/carry-forwards/{{id}}/decide" class="action" id="decide-{{id}}">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h2>Decide {{id}}: {{forecast}} from {{from}}</h2>
          <fieldset class="field"><legend>Your decision</legend>
            <label for="{{id}}-approve"><input id="{{id}}-approve" type="radio" name="outcome" value="approve"{{^refuseChosen}} checked{{/refuseChosen}}> Permit the carry-forward into {{to}}</label>
            <label for="{{id}}-refuse"><input id="{{id}}-refuse" type="radio" name="outcome" value="refuse"{{#refuseChosen}} checked{{/refuseChosen}}> Refuse it (the forecast becomes due back)</label>
          </fieldset>
          <div class="field{{#reasonError}} field-error{{/reasonError}}"><label for="{{id}}-reason">Reason (needed to refuse)</label>
            {{#reasonError}}<p class="error-message" id="{{id}}-reason-error"><span class="visually-hidden">Error:</span> {{reasonError}}</p>{{/reasonError}}
            <textarea id="{{id}}-reason" name="decideReason" rows="2"{{#reasonError}} aria-describedby="{{id}}-reason-error"{{/reasonError}}>{{decideReason}}</textarea></div>
          <div class="field{{#decisionError}} field-error{{/decisionError}}"><label for="{{id}}-decision">Decision record giving permission (optional)</label>
            {{#decisionError}}<p class="error-message" id="{{id}}-decision-error"><span class="visually-hidden">Error:</span> {{decisionError}}</p>{{/decisionError}}
            <input id="{{id}}-decision" name="decideDecision" class="short" value="{{decideDecision}}"{{#decisionError}} aria-describedby="{{id}}-decision-error"{{/decisionError}}></div>
          <button type="submit" class="button">Record the decision</button>
        </form>
        {{/decide}}{{/rows}}
        {{#rows}}{{#confirm}}
        <form method="post" action="/finance/carry-forwards/{{id}}/confirm" class="action" id="confirm-{{id}}" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h2>Confirm {{id}} at year end</h2>
          <p>{{forecast}} was permitted into {{to}}. Below it, the difference goes back to {{from}}; above it, the excess is due back.</p>
          <div class="field{{#confirmError}} field-error{{/confirmError}}"><label for="confirm-{{id}}-actual">Actual underspend in {{from}}, in pounds</label>
            {{#confirmError}}<p class="error-message" id="confirm-{{id}}-actual-error"><span class="visually-hidden">Error:</span> {{confirmError}}</p>{{/confirmError}}
            <input id="confirm-{{id}}-actual" name="actual" class="short" inputmode="decimal" value="{{actualEntered}}"{{#confirmError}} aria-describedby="confirm-{{id}}-actual-error"{{/confirmError}}></div>
          <button type="submit" class="button">Confirm the actual underspend</button>
        </form>
        {{/confirm}}{{#settle}}
        <form method="post" action="/finance/carry-forwards/{{id}}/settle" class="action" id="settle-{{id}}">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h2>Settle {{id}}'s clawback</h2>
          <p>The carry-forward was refused, so {{forecast}} is due back from {{recipient}}. Record it once the money has come back.</p>
          <button type="submit" class="button">Record {{forecast}} as returned</button>
        </form>
        {{/settle}}{{/rows}}
        {{#request}}
        <h2>Request a carry-forward</h2>
        <form method="post" action="/finance/carry-forwards" class="action" id="request" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          \(input("cf-year", name: "year", label: "Year of the underspend", hint: "For example, 2016/17"))
          \(input("cf-strand", name: "strand", label: "Strand code", hint: "For example, ASB"))
          \(input("cf-recipient", name: "recipient", label: "Recipient org-id", hint: "For example, GB-LAE-BAR"))
          \(input("cf-forecast", name: "forecast", label: "Forecast underspend, in pounds", hint: "For example, £38,000", inputmode: "decimal"))
          \(textarea("cf-reason", name: "reason", label: "Why there is an underspend"))
          <button type="submit" class="button">Send to the Commissioner</button>
        </form>
        {{/request}}
        """
}
