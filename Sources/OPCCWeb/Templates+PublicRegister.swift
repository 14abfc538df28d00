// The public registers' template and the styles of the public pages (registers, forward plan, Panel report): on a
// phone each table row reads as a card, its cells labelled; dates never wrap.

extension Templates {
    static let publicPages: [String: String] = [
        "public-register": publicRegister, "forward-plan": forwardPlan, "panel-report": panelReport,
    ]

    static let publicRegister = """
        {{> error-summary}}
        <h1>{{heading}}</h1>
        <p class="lead">{{intro}}</p>
        <p>The grants made, expenditure over £500 and contracts over £10,000 are in the
        <a href="/transparency">transparency publications</a>.</p>
        <form method="get" action="{{action}}" class="filters public-filters">
          <div class="field wide"><label for="q">Search Part 1 text</label>
            <p class="hint" id="q-hint">Words of the title, summary or any Part 1 section, or a decision number.</p>
            <input id="q" name="q" type="search" value="{{q}}" aria-describedby="q-hint"></div>
          <div class="field"><label for="year">Financial year starting</label>
            <input id="year" name="year" inputmode="numeric" value="{{year}}" class="short"></div>
          <div class="field"><label for="status">Outcome</label>
            <select id="status" name="status">
              {{{statusesHTML}}}
            </select></div>
          <div class="field"><label for="min">Smallest amount (£)</label>
            <input id="min" name="min" inputmode="decimal" value="{{minimum}}" class="short"></div>
          <div class="field"><label for="max">Largest amount (£)</label>
            <input id="max" name="max" inputmode="decimal" value="{{maximum}}" class="short"></div>
          <div class="field"><label for="delegated">Taken by</label>
            <select id="delegated" name="delegated">
              {{{delegationsHTML}}}
            </select></div>
          <div class="field"><label for="sort">Order</label>
            <select id="sort" name="sort">
              {{{sortsHTML}}}
            </select></div>
          <div class="field"><button type="submit" class="button secondary">Show decisions</button></div>
        </form>
        <p class="feeds">This list as: <a href="{{atom}}" type="application/atom+xml">Atom feed</a> ·
          <a href="{{csv}}" type="text/csv">CSV</a>{{#forwardPlan}} · <a href="{{forwardPlan}}">Forward plan</a>{{/forwardPlan}}</p>
        {{#hasRows}}
        <table class="table cards">
          <caption class="visually-hidden">{{heading}}</caption>
          <thead><tr><th scope="col">Number</th><th scope="col">Title</th>{{#national}}<th scope="col">Office</th>{{/national}}
            <th scope="col">Decided</th><th scope="col" class="num">Amount</th><th scope="col">Outcome</th>
            <th scope="col">Published</th></tr></thead>
          <tbody>
          {{{rowsHTML}}}
          </tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p>No published decisions match.</p>{{/hasRows}}
        {{#paging}}
        <nav class="pagination" aria-label="Pages of the register">
          <p>{{summary}}</p>
          {{#previous}}<a href="{{previous}}" rel="prev">Previous page</a>{{/previous}}
          {{#next}}<a href="{{next}}" rel="next">Next page</a>{{/next}}
        </nav>
        {{/paging}}
        {{#hasOffices}}
        <h2>{{#national}}Each office's decisions{{/national}}{{^national}}Other registers{{/national}}</h2>
        <ul class="list columns">{{{officesHTML}}}</ul>
        {{/hasOffices}}
        """

    /// A select's option as `RowHTML.options` writes it, kept as Mustache for the test that holds the two together.
    static let optionRow = """
        <option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>
        """

    /// A link to another register as `RowHTML.officeLinks` writes it, kept as Mustache for the same test.
    static let officeLinkRow = """
        <li><a href="{{href}}">{{name}}</a></li>
        """

    /// A row of the public registers as `RowHTML.publicRegister` writes it, kept as Mustache for the test that holds
    /// the two together (`RowHTMLTests`); `national` comes from the page.
    static let publicRegisterRow = """
        <tr><td data-label="Number" class="nowrap">{{number}}</td><td data-label="Title"><a href="{{href}}">{{title}}</a>{{#delegated}}<br><span class="tag tag-delegated">{{delegated}}</span>{{/delegated}}</td>
          {{#national}}<td data-label="Office"><a href="{{officeHref}}">{{office}}</a></td>{{/national}}
          <td data-label="Decided" class="nowrap">{{decided}}</td><td data-label="Amount" class="num">{{amount}}</td>
          <td data-label="Outcome">{{#outcome}}<strong class="tag tag-{{outcomeClass}}">{{outcome}}</strong>{{/outcome}}</td>
          <td data-label="Published" class="nowrap">{{published}}</td></tr>
        """

    static let forwardPlan = """
        <h1>{{heading}}</h1>
        <p class="lead">{{intro}}</p>
        <p>{{policy}}</p>
        <p class="feeds">This plan as: <a href="{{csv}}" type="text/csv">CSV</a> ·
          <a href="{{ics}}" type="text/calendar">calendar feed (iCalendar)</a> · <a href="{{register}}">Decisions taken</a></p>
        {{#first(rows)}}
        <table class="table cards">
          <caption class="visually-hidden">Key decisions to come</caption>
          <thead><tr><th scope="col">Decision</th><th scope="col">Expected</th><th scope="col" class="num">Amount</th>
            <th scope="col">Why it is key</th><th scope="col">Decision-maker</th><th scope="col">On the plan since</th></tr></thead>
          <tbody>
          {{#rows}}
          <tr><td data-label="Decision">{{#number}}<span class="nowrap">{{number}}</span>: {{/number}}{{title}}</td>
            <td data-label="Expected" class="nowrap">{{expected}}</td><td data-label="Amount" class="num">{{amount}}</td>
            <td data-label="Why it is key">{{keyBecause}}</td><td data-label="Decision-maker">{{decisionMaker}}</td>
            <td data-label="On the plan since" class="nowrap">{{listed}}</td></tr>
          {{/rows}}
          </tbody>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>No key decisions are on the plan at present.</p>{{/rows}}
        """

    static let panelReport = """
        {{> error-summary}}
        <h1>{{heading}}</h1>
        {{#office}}<p class="lead">{{office}}</p>{{/office}}
        <form method="get" action="/panel-report" class="filters public-filters">
          <div class="field"><label for="from">From (the last Panel meeting, say)</label>
            <input id="from" name="from" type="date" value="{{from}}" class="short"></div>
          <div class="field"><label for="to">To (default today)</label>
            <input id="to" name="to" type="date" value="{{to}}" class="short"></div>
          <div class="field"><button type="submit" class="button secondary">Show the report</button></div>
        </form>
        {{#csv}}
        <p class="feeds">This report as <a href="{{csv}}" type="text/csv">CSV</a>; print it, or save it as a PDF, from the browser's print menu.</p>
        <dl class="summary-list">
          <div class="summary-row"><dt>Decisions taken: total amount</dt><dd>{{decided}}</dd></div>
          <div class="summary-row"><dt>Money allocated in the period</dt><dd>{{allocated}}</dd></div>
        </dl>
        {{#sections}}
        <h2 id="{{id}}">{{heading}}</h2>
        {{#first(rows)}}
        <div class="table-wrap">
        <table class="table cards small">
          <caption class="visually-hidden">{{heading}}</caption>
          <thead><tr><th scope="col">Number</th><th scope="col">Title</th><th scope="col">Decided</th>
            <th scope="col">By</th><th scope="col">Outcome</th><th scope="col" class="num">Amount</th>
            <th scope="col">Part 1 due</th><th scope="col">Published</th>{{#reasonHeading}}<th scope="col">{{reasonHeading}}</th>{{/reasonHeading}}</tr></thead>
          <tbody>
          {{#rows}}
          <tr><td data-label="Number" class="nowrap">{{number}}</td><td data-label="Title"><a href="{{href}}">{{title}}</a></td>
            <td data-label="Decided" class="nowrap">{{decided}}</td><td data-label="By">{{decisionMaker}}</td>
            <td data-label="Outcome">{{outcome}}</td><td data-label="Amount" class="num">{{amount}}</td>
            <td data-label="Part 1 due" class="nowrap">{{deadline}}</td><td data-label="Published" class="nowrap">{{published}}</td>
            {{#reason}}<td data-label="Reason">{{reason}}</td>{{/reason}}</tr>
          {{/rows}}
          </tbody>
        </table>
        </div>
        {{/first(rows)}}
        {{^rows}}<p>{{empty}}</p>{{/rows}}
        {{/sections}}
        <h2 id="strands">Money allocated by strand</h2>
        {{#first(strands)}}
        <table class="table small">
          <caption class="visually-hidden">Money allocated by strand</caption>
          <thead><tr><th scope="col">Strand</th><th scope="col">Year</th><th scope="col" class="num">Allocations</th>
            <th scope="col" class="num">Amount</th></tr></thead>
          <tbody>
          {{#strands}}<tr><th scope="row">{{strand}}</th><td>{{year}}</td><td class="num">{{count}}</td><td class="num">{{amount}}</td></tr>{{/strands}}
          </tbody>
        </table>
        {{/first(strands)}}
        {{^strands}}<p>No money was allocated in this period.</p>{{/strands}}
        {{/csv}}
        {{^csv}}{{^errors}}<p>Give the first day of the period: the report covers every decision taken, published or
        deferred from then to the last day.</p>{{/errors}}{{/csv}}
        """

    /// The public pages' styles, added to `/assets/opcc.css`.
    static let publicCSS = """
        .nowrap{white-space:nowrap}
        .public-filters{display:flex;flex-wrap:wrap;gap:0 20px;align-items:flex-end}
        .public-filters .field{flex:1 1 10em;margin-bottom:15px}.public-filters .field.wide{flex-basis:100%}
        .feeds{font-size:16px}.columns{columns:2 16em}
        .pagination a{margin-right:20px}
        .flag-row{background:#fff7bf}
        @media (max-width:640px){
        body{font-size:16px}h1{font-size:27px}
        .table.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        .table.cards,.table.cards tbody,.table.cards tr,.table.cards td{display:block;width:100%}
        .table.cards tr{border-bottom:2px solid #b1b4b6;padding:10px 0}
        .table.cards td{border:0;padding:2px 0;text-align:left}
        .table.cards td[data-label]:before{content:attr(data-label) ": ";font-weight:700}
        .table.cards .num{text-align:left;padding:2px 0}
        .nav ul{gap:10px}
        }
        @media print{
        .header,.footer,.filters,.feeds,.pagination,.skip-link,.back-link,.no-print{display:none}
        body{font-size:11pt;color:#000}a{color:#000;text-decoration:none}
        .table th,.table td{padding:4pt 8pt 4pt 0;border-bottom:1pt solid #000}
        tr,h2{break-inside:avoid;page-break-inside:avoid}
        .tag{background:none;color:#000;border:1pt solid #000}
        }
        """
}
