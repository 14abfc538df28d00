// The grant agreements' templates (part of the finance screens, listed in `Templates.finance`).

extension Templates {
    static let grants = """
        <span class="caption">Finance</span>
        <h1>Grant agreements</h1>
        {{> finance-nav}}
        {{#first(rows)}}
        <table class="table small">
          <caption class="visually-hidden">Grant agreements</caption>
          <thead><tr><th scope="col">Agreement</th><th scope="col">Recipient and purpose</th><th scope="col">Decision</th>
            <th scope="col">Period</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Paid</th><th scope="col">Status</th></tr></thead>
          <tbody>
          {{#rows}}<tr><td><a href="{{href}}">{{id}}</a></td><td>{{recipient}}<br><span class="caption">{{purpose}}</span></td>
            <td>{{decision}}</td><td>{{period}}</td><td class="num">{{amount}}</td><td class="num">{{paid}}</td>
            <td><strong class="tag tag-{{stateClass}}">{{state}}</strong></td></tr>{{/rows}}
          </tbody>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>No grant agreements yet.</p>{{/rows}}
        """

    static let grant = """
        {{> error-summary}}
        <span class="caption">{{recipient}} · {{id}}</span>
        <h1>{{purpose}}</h1>
        <p><strong class="tag tag-{{stateClass}}">{{state}}</strong></p>
        <dl class="summary-list">
          {{#facts}}<div class="summary-row"><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        {{#first(conditions)}}<h2>Conditions</h2><ul class="list">{{#conditions}}<li>{{text}}</li>{{/conditions}}</ul>{{/first(conditions)}}
        <h2>Spend against profile</h2>
        <figure class="chart">
          {{{svg}}}
          <figcaption>
            <table class="table">
              <caption>Profiled and reported spend by quarter</caption>
              <thead><tr><th scope="col">Quarter</th><th scope="col" class="num">Profiled</th><th scope="col" class="num">Reported</th><th scope="col">Return</th></tr></thead>
              <tbody>{{#quarters}}<tr><th scope="row">{{quarter}}</th><td class="num">{{profiled}}</td><td class="num">{{reported}}</td>
                <td>{{#returnID}}<a href="/returns/{{returnID}}">{{returnID}}</a> <strong class="tag tag-{{returnStateClass}}">{{returnState}}</strong>{{/returnID}}{{^returnID}}Not scheduled{{/returnID}}</td></tr>{{/quarters}}</tbody>
            </table>
          </figcaption>
        </figure>
        <h2>Allocations</h2>
        {{#first(allocations)}}
        <table class="table">
          <thead><tr><th scope="col">Allocation</th><th scope="col">Strand and year</th><th scope="col">Area</th><th scope="col">Method</th><th scope="col" class="num">Amount</th></tr></thead>
          <tbody>{{#allocations}}<tr><td>{{id}}</td><td>{{strand}} {{year}}</td><td>{{area}}</td>
            <td>{{method}}{{#rcco}} <strong class="tag tag-grey">Includes capital</strong>{{/rcco}}</td><td class="num">{{amount}}</td></tr>{{/allocations}}</tbody>
        </table>
        {{/first(allocations)}}
        {{^allocations}}<p>No allocations stand under this agreement.</p>{{/allocations}}
        <h2>Instalments and payments</h2>
        {{#first(instalments)}}
        <table class="table" id="release">
          <thead><tr><th scope="col">Instalment</th><th scope="col">Paid when</th><th scope="col" class="num">Amount</th><th scope="col">Paid</th></tr></thead>
          <tbody>{{#instalments}}<tr><td>{{id}}</td><td>{{condition}}</td><td class="num">{{amount}}</td>
            <td>{{#paid}}<strong class="tag tag-accepted">Paid {{paid}}</strong>{{/paid}}{{^paid}}{{#release}}
              <form method="post" action="/grants/{{grant}}/release" class="inline">
                <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}"><input type="hidden" name="instalment" value="{{id}}">
                <button type="submit" class="button secondary">Release {{id}}</button>
              </form>{{/release}}{{^release}}<strong class="tag tag-grey">Not paid</strong>{{/release}}{{/paid}}</td></tr>{{/instalments}}</tbody>
        </table>
        {{/first(instalments)}}
        {{^instalments}}<p>No instalments are set.</p>{{/instalments}}
        <h2>Variations</h2>
        {{#first(variations)}}
        <table class="table">
          <thead><tr><th scope="col">Date</th><th scope="col">Kind</th><th scope="col">Reason</th><th scope="col" class="num">Change</th><th scope="col">Approved by</th></tr></thead>
          <tbody>{{#variations}}<tr><td>{{day}}</td><td>{{kind}}</td><td>{{description}}{{#decision}} (decision {{decision}}){{/decision}}</td>
            <td class="num">{{change}}</td><td>{{by}}</td></tr>{{/variations}}</tbody>
        </table>
        {{/first(variations)}}
        {{^variations}}<p>No variations.</p>{{/variations}}
        {{> document-list}}
        {{#documentForms}}{{> document-forms}}{{/documentForms}}
        {{#acts}}
        <h2>What you can do</h2>
        {{#assessment}}
        <form method="post" action="/grants/{{id}}/assessment" class="action" id="assessment">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Record an assessment</h3>
          <fieldset class="field"><legend>Which assessment</legend>
            <label for="which-equality"><input id="which-equality" type="radio" name="which" value="equality" checked> Equality impact assessment</label>
            <label for="which-risk"><input id="which-risk" type="radio" name="which" value="risk"> Risk assessment</label>
          </fieldset>
          <div class="field"><label for="assessment-reference">Reference</label>
            <input id="assessment-reference" name="reference" class="short" value="{{reference}}"></div>
          <button type="submit" class="button secondary">Record the assessment</button>
        </form>
        {{/assessment}}
        {{#confirmConditions}}
        <form method="post" action="/grants/{{id}}/confirm-conditions" class="action" id="confirm-conditions">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Confirm the preconditions</h3>
          <p>Both assessments must be recorded and the agreement must equal its allocations.</p>
          <button type="submit" class="button">Confirm the preconditions are met</button>
        </form>
        {{/confirmConditions}}
        {{#signature}}
        <form method="post" action="/grants/{{id}}/signature" class="action" id="signature">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Record a signature</h3>
          <div class="field"><label for="signature-party">Party signing</label>
            <select id="signature-party" name="party">{{#parties}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/parties}}</select></div>
          <div class="field"><label for="signature-name">Name of the person who signed</label>
            <input id="signature-name" name="name" value="{{name}}"></div>
          <button type="submit" class="button secondary">Record the signature</button>
        </form>
        {{/signature}}
        {{#sign}}
        <form method="post" action="/grants/{{id}}/sign" class="action" id="sign">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Complete the agreement</h3>
          <p>Once both parties' signatures are recorded.</p>
          <button type="submit" class="button">Mark as signed</button>
        </form>
        {{/sign}}
        {{#activate}}
        <form method="post" action="/grants/{{id}}/activate" class="action" id="activate">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Start the agreement</h3>
          <p>Schedules a quarterly return for every quarter the agreement covers.</p>
          <button type="submit" class="button">Activate</button>
        </form>
        {{/activate}}
        {{#vary}}
        <form method="post" action="/grants/{{id}}/vary" class="action" id="vary" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Vary the agreement</h3>
          <fieldset class="field"><legend>What changes</legend>
            {{#kinds}}<label for="vary-kind-{{value}}"><input id="vary-kind-{{value}}" type="radio" name="kind" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/kinds}}
          </fieldset>
          <div class="field"><label for="vary-change">Change of amount, in pounds</label>
            <p class="hint" id="vary-change-hint">Negative for a reduction, for example -5,000.00. The spend profile and instalments must still add up.</p>
            <input id="vary-change" name="change" class="short" value="{{change}}" aria-describedby="vary-change-hint"></div>
          <div class="field"><label for="vary-newDecision">New decision, for an increase beyond the first (optional)</label>
            <input id="vary-newDecision" name="newDecision" class="short" value="{{newDecision}}"></div>
          <div class="field"><label for="vary-end">New end date</label>
            <p class="hint" id="vary-end-hint">For a change of dates, for example 2017-06-30</p>
            <input id="vary-end" name="end" class="short" value="{{end}}" aria-describedby="vary-end-hint"></div>
          <div class="field"><label for="vary-reason">Reason for the variation</label>
            <textarea id="vary-reason" name="reason" rows="2">{{reason}}</textarea></div>
          <button type="submit" class="button secondary">Vary the agreement</button>
        </form>
        {{/vary}}
        {{#terminate}}
        <form method="post" action="/grants/{{id}}/terminate" class="action" id="terminate" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>End the agreement early</h3>
          <p>No further instalment is released. What has been paid stays paid.</p>
          \(textarea("terminate-reason", name: "terminateReason", label: "Why the agreement ends early"))
          <button type="submit" class="button warning">Terminate the agreement</button>
        </form>
        {{/terminate}}
        {{#close}}
        <form method="post" action="/grants/{{id}}/close" class="action" id="close">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h3>Close the agreement</h3>
          <p>Once the final return is accepted, carry-forwards are settled and nothing is due back.</p>
          <button type="submit" class="button warning">Close the agreement</button>
        </form>
        {{/close}}
        {{/acts}}
        """
}
