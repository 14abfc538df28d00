// The pilot-area (VLI) and priorities screens' templates.

extension Templates {
    static let areas: [String: String] = [
        "vli": vli, "vli-none": vliNone, "ward": ward, "priorities": priorityList, "priority": priority,
    ]

    static let vliNone = """
        {{> error-summary}}
        <h1>Pilot areas</h1>
        <p class="lead">{{message}}</p>
        {{#score}}
        <h2 id="score">Score the index again</h2>
        <p>Scores every area (LSOA) of the study area from the imported inputs under a declared scheme and keeps the
          run, with the scheme's text and the inputs' fingerprints. Every variable is needed for every area.</p>
        <form method="post" action="/vli/score" class="action" id="vli-score" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <div class="field"><label for="score-scheme">Scheme</label>
            <p class="hint" id="score-scheme-hint">A file under workflows/vli/</p>
            <select id="score-scheme" name="scheme" aria-describedby="score-scheme-hint">{{#schemes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/schemes}}</select></div>
          <button type="submit" class="button">Run the scoring</button>
        </form>
        {{/score}}
        """

    static let vli = """
        {{> error-summary}}
        <span class="caption">Vulnerable Localities Index · {{office}}</span>
        <h1>Pilot areas</h1>
        <p class="lead">Wards ranked by how many of their areas (LSOAs) are over the VLI threshold. Choose a ward to see its
          evidence, the decision, the money, the agreements and the returns.</p>
        <dl class="summary-list">
          {{#facts}}<div class="summary-row"><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        <h2>Wards ranked</h2>
        <figure class="chart">
          {{{svg}}}
          <figcaption>
            <p class="hint">The chart shows the first {{shown}} of {{count}} wards; the table lists them all.</p>
            <table class="table small">
              <caption>Wards ranked by areas over the threshold</caption>
              <thead><tr><th scope="col" class="num">Rank</th><th scope="col">Ward</th><th scope="col" class="num">Areas over</th>
                <th scope="col" class="num">Areas</th><th scope="col" class="num">Mean VLI</th><th scope="col" class="num">Highest VLI</th>
                <th scope="col" class="num">Population</th><th scope="col">Status</th></tr></thead>
              <tbody>
              {{#rows}}<tr><td class="num">{{rank}}</td><th scope="row"><a href="{{href}}">{{name}}</a></th><td class="num">{{over}}</td>
                <td class="num">{{areas}}</td><td class="num">{{mean}}</td><td class="num">{{max}}</td><td class="num">{{population}}</td>
                <td>{{#status}}<strong class="tag tag-{{statusClass}}">{{status}}</strong>{{/status}}{{#decision}} {{decision}}{{/decision}}</td></tr>{{/rows}}
              </tbody>
            </table>
          </figcaption>
        </figure>
        {{#score}}
        <h2 id="score">Score the index again</h2>
        <p>Scores every area (LSOA) of the study area from the imported inputs under a declared scheme and keeps the
          run, with the scheme's text and the inputs' fingerprints. Every variable is needed for every area.</p>
        <form method="post" action="/vli/score" class="action" id="vli-score" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <div class="field"><label for="score-scheme">Scheme</label>
            <p class="hint" id="score-scheme-hint">A file under workflows/vli/</p>
            <select id="score-scheme" name="scheme" aria-describedby="score-scheme-hint">{{#schemes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/schemes}}</select></div>
          <button type="submit" class="button">Run the scoring</button>
        </form>
        {{/score}}
        """

    static let ward = """
        {{> error-summary}}
        <span class="caption">Pilot area · {{code}}</span>
        <h1>{{name}}</h1>
        <p><strong class="tag tag-{{statusClass}}">{{status}}</strong></p>
        <ol class="chain" aria-label="From area to returns">
          <li><a href="#evidence">Evidence</a></li><li><a href="#decision">Decision</a></li><li><a href="#money">Money</a></li>
          <li><a href="#agreements">Agreements</a></li><li><a href="#returns">Returns</a></li>
        </ol>
        <h2 id="evidence">1. Evidence</h2>
        <dl class="summary-list">
          {{#facts}}<div class="summary-row"><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        <table class="table small">
          <caption>The ward's areas (LSOAs), highest VLI first</caption>
          <thead><tr><th scope="col">LSOA</th><th scope="col">Name</th><th scope="col" class="num">VLI</th><th scope="col">Over the threshold</th></tr></thead>
          <tbody>{{#lsoas}}<tr><td>{{code}}</td><td>{{name}}</td><td class="num">{{vli}}</td><td>{{#over}}<strong class="tag tag-overdue">Over</strong>{{/over}}{{^over}}No{{/over}}</td></tr>{{/lsoas}}</tbody>
        </table>
        {{#first(notes)}}
        <h3>Moderation notes</h3>
        <table class="table"><thead><tr><th scope="col">Kind</th><th scope="col">Note</th><th scope="col">By</th><th scope="col">Date</th></tr></thead>
          <tbody>{{#notes}}<tr><td>{{kind}}</td><td>{{text}}</td><td>{{by}}</td><td>{{day}}</td></tr>{{/notes}}</tbody></table>
        {{/first(notes)}}
        <h2 id="decision">2. Decision</h2>
        {{#decision}}<p>Selected under decision {{#decisionHref}}<a href="{{decisionHref}}">{{decision}}</a>{{/decisionHref}}{{^decisionHref}}{{decision}}{{/decisionHref}}: {{decisionTitle}}{{#decisionAmount}} ({{decisionAmount}} approved){{/decisionAmount}}.</p>{{/decision}}
        {{^decision}}<p>No decision funds this ward yet.</p>{{/decision}}
        <h2 id="money">3. Money</h2>
        {{#first(allocations)}}
        <table class="table"><thead><tr><th scope="col">Allocation</th><th scope="col">Recipient</th><th scope="col" class="num">Amount</th></tr></thead>
          <tbody>{{#allocations}}<tr><td>{{id}}</td><td>{{recipient}} <span class="caption">{{orgID}}</span>{{#rcco}} <strong class="tag tag-grey">Includes capital</strong>{{/rcco}}</td><td class="num">{{amount}}</td></tr>{{/allocations}}</tbody></table>
        {{/first(allocations)}}
        {{^allocations}}<p>No money is allocated to this ward.</p>{{/allocations}}
        <h2 id="agreements">4. Agreements</h2>
        {{#first(agreements)}}
        <table class="table"><thead><tr><th scope="col">Agreement</th><th scope="col">Status</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Paid</th></tr></thead>
          <tbody>{{#agreements}}<tr><td><a href="{{href}}">{{id}}</a></td><td><strong class="tag tag-{{stateClass}}">{{state}}</strong></td><td class="num">{{amount}}</td><td class="num">{{paid}}</td></tr>{{/agreements}}</tbody></table>
        {{/first(agreements)}}
        {{^agreements}}<p>No grant agreement pays out this ward's money yet.</p>{{/agreements}}
        <h2 id="returns">5. Returns</h2>
        {{#agreements}}
        {{#first(returns)}}
        <table class="table"><caption>Quarterly returns under {{agreementID}}</caption>
          <thead><tr><th scope="col">Return</th><th scope="col">Quarter</th><th scope="col">Status</th><th scope="col" class="num">Spend in the quarter</th></tr></thead>
          <tbody>{{#returns}}<tr><td><a href="{{href}}">{{id}}</a></td><td>{{quarter}}</td><td><strong class="tag tag-{{stateClass}}">{{state}}</strong></td><td class="num">{{spend}}</td></tr>{{/returns}}</tbody></table>
        {{/first(returns)}}
        {{^returns}}<p>No returns are scheduled under {{agreementID}}.</p>{{/returns}}
        {{/agreements}}
        {{^agreements}}<p>No returns yet.</p>{{/agreements}}
        {{#acts}}
        <h2>What you can do</h2>
        {{#shortlist}}
        <form method="post" action="/vli/wards/{{code}}/shortlist" class="action" id="ward-shortlist">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <h3>Put {{name}} on the shortlist</h3>
          <button type="submit" class="button">Shortlist the ward</button>
        </form>
        {{/shortlist}}
        <form method="post" action="/vli/wards/{{code}}/note" class="action" id="ward-note">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <h3>Add a moderation note</h3>
          <div class="field"><label for="note-kind">Kind of note</label>
            <select id="note-kind" name="kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></div>
          <div class="field"><label for="note-text">Note</label>
            <textarea id="note-text" name="text" rows="3">{{noteText}}</textarea></div>
          <button type="submit" class="button secondary">Add the note</button>
        </form>
        <form method="post" action="/vli/wards/{{code}}/select" class="action" id="ward-select">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <h3>Select {{name}} as a pilot area</h3>
          {{^selectable}}<p>Shortlist the ward first.</p>{{/selectable}}
          <div class="field"><label for="select-decision">Approved decision that funds it</label>
            <p class="hint" id="select-decision-hint">For example, 014/2016</p>
            <input id="select-decision" name="decision" class="short" value="{{selectDecision}}" aria-describedby="select-decision-hint"></div>
          <button type="submit" class="button">Select the ward</button>
        </form>
        {{/acts}}
        """

    static let priorityList = """
        <h1>Priorities</h1>
        <p class="lead">Each partnership's threats scored on the risk/harm matrix, and the priorities its board selected.</p>
        {{#first(rows)}}
        <table class="table">
          <caption class="visually-hidden">Priority assessments</caption>
          <thead><tr><th scope="col">Partnership</th><th scope="col">Year</th><th scope="col" class="num">Threats</th>
            <th scope="col" class="num">High</th><th scope="col" class="num">Medium</th><th scope="col" class="num">Low</th>
            <th scope="col" class="num">Priorities</th><th scope="col">Status</th></tr></thead>
          <tbody>{{#rows}}<tr><th scope="row"><a href="{{href}}">{{partnership}}</a></th><td>{{year}}</td><td class="num">{{threats}}</td>
            <td class="num">{{high}}</td><td class="num">{{medium}}</td><td class="num">{{low}}</td><td class="num">{{priorities}}</td>
            <td><strong class="tag tag-{{stateClass}}">{{state}}</strong></td></tr>{{/rows}}</tbody>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>No priority assessments you may see.</p>{{/rows}}
        """

    static let priority = """
        {{> error-summary}}
        <span class="caption">Priorities · {{year}} · {{id}}</span>
        <h1>{{partnership}}</h1>
        <p><strong class="tag tag-{{stateClass}}">{{state}}</strong></p>
        <h2>Risk matrix</h2>
        <figure class="chart">
          {{{svg}}}
          <figcaption>
            <table class="table small">
              <caption>Threats by risk (probability × harm); filled markers are covered by a selected priority</caption>
              <thead><tr><th scope="col" class="num">No.</th><th scope="col">Threat</th><th scope="col" class="num">Harm</th>
                <th scope="col" class="num">Probability</th><th scope="col" class="num">Risk</th><th scope="col">Band</th><th scope="col">Selected</th></tr></thead>
              <tbody>{{#threats}}<tr><td class="num">{{number}}</td><th scope="row">{{name}}</th><td class="num">{{harm}}</td><td class="num">{{probability}}</td>
                <td class="num">{{risk}}</td><td><strong class="tag tag-band-{{bandClass}}">{{band}}</strong></td><td>{{#selected}}Yes{{/selected}}{{^selected}}No{{/selected}}</td></tr>{{/threats}}</tbody>
            </table>
          </figcaption>
        </figure>
        <h2>The board's selection</h2>
        {{#first(priorities)}}
        <table class="table">
          <thead><tr><th scope="col">Priority</th><th scope="col">Kind</th><th scope="col">Threats covered</th><th scope="col">Funded from</th></tr></thead>
          <tbody>{{#priorities}}<tr><th scope="row">{{code}}: {{title}}</th><td>{{kind}}</td><td>{{threats}}</td><td>{{money}}</td></tr>{{/priorities}}</tbody>
        </table>
        {{/first(priorities)}}
        {{^priorities}}<p>No priorities are selected yet.</p>{{/priorities}}
        {{#first(board)}}
        <h3>Board decisions</h3>
        <table class="table"><thead><tr><th scope="col">Decision</th><th scope="col">Reason</th><th scope="col">Date</th></tr></thead>
          <tbody>{{#board}}<tr><td>{{what}}</td><td>{{reason}}</td><td>{{day}}</td></tr>{{/board}}</tbody></table>
        {{/first(board)}}
        {{#first(spend)}}
        <h2>Money per priority</h2>
        <figure class="chart">
          {{{spendSvg}}}
          <figcaption>
            <table class="table">
              <caption>Each priority's share of the money on the budget lines it is tied to, {{year}}</caption>
              <thead><tr><th scope="col">Priority</th><th scope="col" class="num">Allocated</th><th scope="col" class="num">Committed</th><th scope="col" class="num">Paid</th></tr></thead>
              <tbody>{{#spend}}<tr><th scope="row">{{priority}}</th><td class="num">{{allocated}}</td><td class="num">{{committed}}</td><td class="num">{{paid}}</td></tr>{{/spend}}</tbody>
            </table>
          </figcaption>
        </figure>
        {{/first(spend)}}
        {{#adopt}}
        <form method="post" action="/priorities/{{id}}/adopt" class="action" id="priority-adopt">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h2>Adopt the priorities</h2>
          <p>Adopting publishes the assessment and fixes its scores and selection. It is refused, naming each rule,
            unless every High is covered, every Medium has the board's decision with a reason, no Low is selected
            without a recorded compulsion, and the priorities number what the partnership declares.</p>
          <button type="submit" class="button">Adopt the priorities</button>
        </form>
        {{/adopt}}
        {{#link}}
        <h2>Tie a priority to its money</h2>
        <form method="post" action="/priorities/{{id}}/link-money" class="action" id="priority-link-money" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <div class="field"><label for="link-priority">Priority</label>
            <select id="link-priority" name="priority">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select></div>
          <div class="field"><label for="link-strand">Strand code</label><input id="link-strand" name="strand" class="short" value="{{strand}}"></div>
          <div class="field"><label for="link-recipient">Recipient org-id (optional)</label><input id="link-recipient" name="recipient" class="short" value="{{recipient}}"></div>
          <div class="field"><label for="link-share">Share of the line</label>
            <p class="hint" id="link-share-hint">For example, 40%. The priorities together may not claim more than the whole line. This replaces the priority's links.</p>
            <input id="link-share" name="share" class="short" value="{{share}}" aria-describedby="link-share-hint"></div>
          <button type="submit" class="button secondary">Tie the priority to this line</button>
        </form>
        {{/link}}
        {{#close}}
        <form method="post" action="/priorities/{{id}}/close" class="action" id="priority-close">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
          <h2>Close the assessment</h2>
          <div class="field"><label for="close-reason">Reason (the year is over, or a later assessment replaces it)</label>
            <textarea id="close-reason" name="reason" rows="2">{{reason}}</textarea></div>
          <button type="submit" class="button warning">Close the assessment</button>
        </form>
        {{/close}}
        """
}
