// The page templates (Mustache; `{{x}}` escapes HTML, `{{{x}}}` is used only for HTML these templates rendered).
// GOV.UK Design System patterns, with the product's own small stylesheet. No scripts: every page works without them.

enum Templates {
    /// Every template by name: the decision screens' here, each other area's in its own file.
    static let all: [String: String] = [
        decisions, returns, finance, areas, transparency, account, notifications, documents, people, secondFactor,
        imports, publicPages, rounds,
    ]
    .reduce(into: [:]) { all, group in
        all.merge(group) { first, _ in first }
    }

    static let decisions: [String: String] = [
        "layout": layout, "register": register, "signin": signIn, "home": home, "decision": decision,
        "new-decision": newDecision, "error": error, "error-summary": errorSummary,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} – OPCC decisions</title>
        <link rel="stylesheet" href="/assets/opcc.css">
        </head>
        <body>
        <a href="#main" class="skip-link">Skip to main content</a>
        <header class="header" role="banner">
          <div class="width">
            <a href="/" class="service-name">OPCC decisions</a>
            <nav aria-label="Menu" class="nav">
              <ul>
                <li><a href="/register">Published decisions</a></li><li><a href="/rounds">Grant rounds</a></li>
                {{#partner}}<li><a href="{{href}}">{{text}}</a></li>{{/partner}}
                {{#staff}}
                <li><a href="/home">Home</a></li>
                <li><a href="/notifications">Notifications{{#unread}} <span class="badge"><span class="visually-hidden">unread: </span>{{unread}}</span>{{/unread}}</a></li>
                <li><a href="/decisions">Decision register</a></li>
                <li><a href="/decisions/new">Raise a decision</a></li>
                <li><a href="/returns">Returns</a></li>
                <li><a href="/finance">Finance</a></li>
                <li><a href="/vli">Pilot areas</a></li>
                <li><a href="/priorities">Priorities</a></li>
                <li><a href="/import">Import</a></li>
                <li><a href="/panel-report">Panel report</a></li>
                {{/staff}}
                {{#user}}
                <li>
                  <form method="post" action="/sign-out" class="inline">
                    <input type="hidden" name="csrf" value="{{csrf}}">
                    <button type="submit" class="link-button">Sign out {{name}}</button>
                  </form>
                </li>
                {{/user}}
                {{^user}}<li><a href="/sign-in">Sign in</a></li>{{/user}}
              </ul>
            </nav>
          </div>
        </header>
        <div class="width">
        <main id="main" role="main">
        {{#back}}<a href="{{back}}" class="back-link">Back</a>{{/back}}
        {{{body}}}
        </main>
        </div>
        <footer class="footer"><div class="width">Part 1 of each decision is published under the Freedom of Information
        Act 2000. Part 2 is confidential and never shown here to the public.</div></footer>
        </body>
        </html>
        """

    static let errorSummary = """
        {{#first(errors)}}
        <div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
          <h2 id="error-summary-title">There is a problem</h2>
          <ul>{{#errors}}<li><a href="#{{field}}">{{message}}</a></li>{{/errors}}</ul>
        </div>
        {{/first(errors)}}
        """

    static let register = """
        {{> error-summary}}
        <h1>{{heading}}</h1>
        {{#intro}}<p class="lead">{{intro}}</p>{{/intro}}
        {{#transparency}}<p>The grants made, expenditure over £500 and contracts over £10,000 are in the
        <a href="/transparency">transparency publications</a>.</p>{{/transparency}}
        {{#filters}}
        <form method="get" action="{{action}}" class="filters">
          <div class="field"><label for="q">Search Part 1 text</label>
            <input id="q" name="q" type="search" value="{{q}}"></div>
          <div class="field"><label for="status">Status</label>
            <select id="status" name="status">
              {{{statusesHTML}}}
            </select></div>
          <div class="field"><label for="year">Financial year starting</label>
            <input id="year" name="year" inputmode="numeric" value="{{year}}" class="short"></div>
          <div class="field"><label for="overdue"><input id="overdue" name="overdue" type="checkbox" value="1"{{#overdue}} checked{{/overdue}}> Overdue for publication only</label></div>
          <button type="submit" class="button secondary">Apply filters</button>
        </form>
        {{/filters}}
        {{#hasRows}}
        <table class="table">
          <caption class="visually-hidden">{{heading}}</caption>
          <thead><tr><th scope="col">Number</th><th scope="col">Title</th><th scope="col">Office</th>
            <th scope="col">Status</th><th scope="col">Decided</th><th scope="col">Published</th></tr></thead>
          <tbody>
          {{{rowsHTML}}}
          </tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p>No decisions match.</p>{{/hasRows}}
        {{#paging}}
        <nav class="pagination" aria-label="Pages of the register">
          <p>{{summary}}</p>
          {{#previous}}<a href="{{previous}}" rel="prev">Previous page</a>{{/previous}}
          {{#next}}<a href="{{next}}" rel="next">Next page</a>{{/next}}
        </nav>
        {{/paging}}
        """

    /// A row of the staff register as `RowHTML.staffRegister` writes it, kept as Mustache for the test that holds
    /// the two together (`RowHTMLTests`): the register's rows are written in Swift, each value escaped by
    /// `HTMLText.escape`, because looking each value up through Mustache was most of a long page's cost.
    static let registerRow = """
        <tr><td>{{number}}</td><td><a href="{{href}}">{{title}}</a></td><td>{{office}}</td>
          <td><strong class="tag tag-{{statusClass}}">{{status}}</strong>{{#overdue}} <strong class="tag tag-overdue">Overdue</strong>{{/overdue}}
            {{#delegated}}<br><span class="tag tag-delegated">{{delegated}}</span>{{/delegated}}</td>
          <td>{{decided}}</td><td>{{published}}</td></tr>
        """

    static let signIn = """
        {{> error-summary}}
        <h1>Sign in</h1>
        <form method="post" action="/sign-in" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <div class="field"><label for="username">Sign-in name</label>
            <input id="username" name="username" autocomplete="username" spellcheck="false" value="{{username}}"></div>
          <div class="field"><label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password"></div>
          <button type="submit" class="button">Sign in</button>
        </form>
        <p><a href="/sign-in/forgot">Forgot your password?</a></p>
        """

    static let home = """
        <h1>{{heading}}</h1>
        <p class="lead">Signed in as {{name}} ({{roles}}), {{office}}. Today is {{today}}.</p>
        {{#demoOutbox}}<div class="notice" role="status">This demo sends no mail. See what would have been sent to you
        in the <a href="/demo/outbox">demo outbox</a>.</div>{{/demoOutbox}}
        {{#notifications}}
        <h2>Notifications{{#unread}} <span class="badge">{{unread}} unread</span>{{/unread}}</h2>
        {{#first(latest)}}<ul class="list">{{#latest}}<li>{{^read}}<strong>{{/read}}<a href="/notifications#notification-{{id}}">{{subject}}</a>{{^read}}</strong>{{/read}} <span class="caption">{{created}}</span></li>{{/latest}}</ul>{{/first(latest)}}
        {{^latest}}<p>You have no notifications.</p>{{/latest}}
        <p><a href="/notifications">All your notifications</a> · <a href="/notifications/preferences">Email preference</a> · <a href="/account/second-factor">Second factor</a></p>
        {{/notifications}}
        {{#sections}}
        <h2>{{heading}}</h2>
        {{#returns}}
        {{#first(returnRows)}}
        <table class="table">
          <thead><tr><th scope="col">Return</th><th scope="col">Quarter</th><th scope="col">Recipient</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead>
          <tbody>
          {{#returnRows}}<tr><td><a href="{{href}}">{{id}}</a></td><td>{{quarter}}</td><td>{{recipient}}</td><td>{{due}}</td>
            <td><strong class="tag tag-{{stateClass}}">{{state}}</strong>{{#overdue}} <strong class="tag tag-overdue">Overdue</strong>{{/overdue}}</td></tr>{{/returnRows}}
          </tbody>
        </table>
        {{/first(returnRows)}}
        {{^returnRows}}<p>Nothing needs you here today.</p>{{/returnRows}}
        {{/returns}}
        {{^returns}}
        {{#first(rows)}}
        <table class="table">
          <thead><tr><th scope="col">Number</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Part 1 due</th></tr></thead>
          <tbody>
          {{#rows}}<tr><td>{{number}}</td><td><a href="{{href}}">{{title}}</a></td>
            <td><strong class="tag tag-{{statusClass}}">{{status}}</strong>{{#overdue}} <strong class="tag tag-overdue">Overdue</strong>{{/overdue}}</td><td>{{deadline}}</td></tr>{{/rows}}
          </tbody>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>Nothing needs you here today.</p>{{/rows}}
        {{/returns}}
        {{/sections}}
        """

    static let decision = """
        {{> error-summary}}
        <span class="caption">{{office}} · {{id}}</span>
        <h1>{{title}}</h1>
        {{#banner}}<div class="notice notice-success" role="status"><p>{{banner}}</p>{{#wordCount}}<p{{#wordWarning}} class="warning-text"{{/wordWarning}}>{{#wordWarning}}<strong>Warning:</strong> {{/wordWarning}}{{wordCount}}</p>{{/wordCount}}</div>{{/banner}}
        <p><strong class="tag tag-{{statusClass}}">{{status}}</strong>{{#overdue}} <strong class="tag tag-overdue">Overdue: Part 1 was due {{deadline}}</strong>{{/overdue}}{{#delegated}} <strong class="tag tag-delegated">{{delegated}}</strong>{{/delegated}}</p>
        {{#editable}}<p><a href="/decisions/{{id}}/edit" class="button secondary">Edit the draft</a></p>{{/editable}}
        <dl class="summary-list">
          {{#facts}}<div class="summary-row"><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        {{#first(exceptions)}}
        <h2>Flagged exceptions</h2>
        <ul class="list">{{#exceptions}}<li><strong class="tag tag-overdue">{{rule}}</strong> {{message}} ({{act}}, {{day}})</li>{{/exceptions}}</ul>
        {{/first(exceptions)}}
        <h2>Sign-off chain</h2>
        <table class="table">
          <thead><tr><th scope="col">Position</th><th scope="col">Kind</th><th scope="col">Signed by</th><th scope="col">Date</th></tr></thead>
          <tbody>{{#chain}}<tr><td>{{title}}</td><td>{{kind}}</td><td>{{#name}}{{name}}{{/name}}{{^name}}<strong class="tag tag-grey">Not yet signed</strong>{{/name}}</td><td>{{day}}</td></tr>{{/chain}}</tbody>
        </table>
        {{#part2Exists}}
        <h2>Part 2 (confidential)</h2>
        {{#part2}}<div class="part2" id="part2"><p>{{part2}}</p></div>{{/part2}}
        {{^part2}}
        {{#mayReadPart2}}
        <form method="post" action="/decisions/{{id}}/part2">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <p>Reading Part 2 is recorded in the audit log.</p>
          <button type="submit" class="button secondary">Read Part 2</button>
        </form>
        {{/mayReadPart2}}
        {{^mayReadPart2}}<p>This record has a confidential Part 2, which your role may not read.</p>{{/mayReadPart2}}
        {{/part2}}
        {{/part2Exists}}
        {{> decision-documents}}
        {{#first(actions)}}<h2>What you can do</h2>{{/first(actions)}}
        {{#actions}}
        <form method="post" action="/decisions/{{id}}/{{step}}" class="action" id="{{step}}">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="version" value="{{version}}">
          <h3>{{heading}}</h3>
          {{#first(positions)}}
          <div class="field"><label for="sign-position">Position signing</label>
            <select id="sign-position" name="position">{{#positions}}<option value="{{position}}">{{title}}</option>{{/positions}}</select></div>
          <div class="field"><label for="sign-name">Name of the person signing</label><input id="sign-name" name="name" value="{{signer}}"></div>
          <div class="field"><label for="sign-initials">Initials (optional)</label><input id="sign-initials" name="initials" class="short"></div>
          {{/first(positions)}}
          {{#decide}}
          <fieldset class="field" id="decide-approve"><legend>Decision</legend>
            <label for="approve-yes"><input id="approve-yes" type="radio" name="approve" value="yes" checked> Approve the recommendation</label>
            <label for="approve-no"><input id="approve-no" type="radio" name="approve" value="no"> Do not approve</label>
          </fieldset>
          <div class="field{{#interestsError}} field-error{{/interestsError}}"><label for="decide-interests">Declaration of interests</label>
            <p class="hint" id="decide-interests-hint">Write "None" if you have no interest to declare.</p>
            {{#interestsError}}<p class="error-message" id="decide-interests-error"><span class="visually-hidden">Error:</span> {{interestsError}}</p>{{/interestsError}}
            <textarea id="decide-interests" name="interests" rows="2" aria-describedby="decide-interests-hint"></textarea></div>
          <div class="field"><label for="decide-prejudicial"><input id="decide-prejudicial" type="checkbox" name="prejudicial" value="1"> I have a prejudicial interest</label></div>
          <div class="field"><label for="decide-urgency">Reason of urgency (only for a key decision without the forward plan's notice)</label>
            <textarea id="decide-urgency" name="urgency" rows="2"></textarea></div>
          {{/decide}}
          {{#correct}}
          <div class="field"><label for="correct-title">Title</label><input id="correct-title" name="title" value="{{title}}"></div>
          <div class="field"><label for="correct-executiveSummary">Executive summary</label>
            <textarea id="correct-executiveSummary" name="executiveSummary" rows="4">{{executiveSummary}}</textarea></div>
          <div class="field"><label for="correct-recommendation">Recommendation</label>
            <textarea id="correct-recommendation" name="recommendation" rows="3">{{recommendation}}</textarea></div>
          {{/correct}}
          {{#note}}<p>The decision was taken under the office's delegation. Noting it records that the Commissioner has seen it, on the date given.</p>{{/note}}
          {{#until}}
          <div class="field{{#untilError}} field-error{{/untilError}}"><label for="{{step}}-until">Deferred until{{^untilRequired}} (optional){{/untilRequired}}</label>
            <p class="hint" id="{{step}}-until-hint">For example, 2017-03-31</p>
            {{#untilError}}<p class="error-message" id="{{step}}-until-error"><span class="visually-hidden">Error:</span> {{untilError}}</p>{{/untilError}}
            <input id="{{step}}-until" name="until" class="short" value="{{untilValue}}" aria-describedby="{{step}}-until-hint"></div>
          {{/until}}
          {{#reasonLabel}}
          <div class="field{{#reasonError}} field-error{{/reasonError}}"><label for="{{step}}-reason">{{reasonLabel}}</label>
            {{#reasonError}}<p class="error-message" id="{{step}}-reason-error"><span class="visually-hidden">Error:</span> {{reasonError}}</p>{{/reasonError}}
            <textarea id="{{step}}-reason" name="reason" rows="2">{{reason}}</textarea></div>
          {{/reasonLabel}}
          <div class="field{{#onError}} field-error{{/onError}}"><label for="{{step}}-on">Date it took effect, if recorded later (optional)</label>
            <p class="hint" id="{{step}}-on-hint">Year-month-day, for example 2016-03-09; leave blank for today</p>
            {{#onError}}<p class="error-message" id="{{step}}-on-error"><span class="visually-hidden">Error:</span> {{onError}}</p>{{/onError}}
            <input id="{{step}}-on" name="on" class="short" value="{{onValue}}" aria-describedby="{{step}}-on-hint"></div>
          <button type="submit" class="button{{#secondary}} secondary{{/secondary}}{{#warning}} warning{{/warning}}">{{button}}</button>
        </form>
        {{/actions}}
        {{#first(lifecycle)}}
        <h2>Lifecycle</h2>
        <table class="table">
          <thead><tr><th scope="col">Date</th><th scope="col">Act</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th></tr></thead>
          <tbody>{{#lifecycle}}<tr><td>{{day}}</td><td>{{event}}</td><td>{{from}}</td><td>{{to}}</td><td>{{actor}}</td></tr>{{/lifecycle}}</tbody>
        </table>
        {{/first(lifecycle)}}
        {{#published}}<p><a href="/register/{{id}}">The published Part 1 notice</a></p>{{/published}}
        """

    static let newDecision = """
        {{> error-summary}}
        <h1>{{heading}}{{^heading}}Raise a decision{{/heading}}</h1>
        <p class="lead">A draft for {{office}}. You can submit it from its page.</p>
        <form method="post" action="{{action}}{{^action}}/decisions{{/action}}" novalidate class="decision-form">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="complete-form" value="1">
          {{#version}}<input type="hidden" name="version" value="{{version}}">{{/version}}
          \(input("title", name: "title", label: "Title", width: ""))
          \(textareaRows("executiveSummary", label: "Executive summary", hint: "{{wordLimit}}{{^wordLimit}}A précis of the decision.{{/wordLimit}}", rows: 5))
          \(textareaRows("recommendation", label: "Recommendation", rows: 3))
          \(input("amount", name: "amount", label: "Amount in pounds (optional)", hint: "For example, £100,000", inputmode: "decimal"))
          <div class="field{{#fe.fundingSource}} field-error{{/fe.fundingSource}}"><label for="fundingSource">Funding source</label>
            <p class="hint" id="fundingSource-hint">The strand of the office's budget and the financial year it draws on.</p>
            {{#fe.fundingSource}}<p class="error-message" id="fundingSource-error"><span class="visually-hidden">Error:</span> {{fe.fundingSource}}</p>{{/fe.fundingSource}}
            <select id="fundingSource" name="fundingSource" aria-describedby="fundingSource-hint">
              {{#funding}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/funding}}
            </select></div>
          <h2>Background and issues</h2>
          \(textareaRows("introductionAndBackground", label: "Introduction and background", rows: 5))
          \(textareaRows("issuesForConsideration", label: "Issues for consideration", rows: 5))
          <h2>Implications</h2>
          {{#implications}}
          <div class="field{{#error}} field-error{{/error}}"><label for="{{id}}">{{label}}</label>
            {{#error}}<p class="error-message" id="{{id}}-error"><span class="visually-hidden">Error:</span> {{error}}</p>{{/error}}
            <textarea id="{{id}}" name="{{name}}" rows="3"{{#error}} aria-describedby="{{id}}-error"{{/error}}>{{text}}</textarea></div>
          {{/implications}}
          \(textareaRows("consultation", label: "Consultation", hint: "Those consulted and their views, whether they agree or disagree and why.", rows: 3))
          \(textareaRows("backgroundPapers", label: "Background and supporting papers", hint: "Business case, equality impact assessment, media strategy.", rows: 3))
          <h2>Public interest and media</h2>
          <div class="field"><label for="significantPublicInterest"><input id="significantPublicInterest" name="significantPublicInterest" type="checkbox" value="1"{{#significantPublicInterest}} checked{{/significantPublicInterest}}> The decision is of significant public interest</label></div>
          <div class="field"><label for="pressReleaseRequired"><input id="pressReleaseRequired" name="pressReleaseRequired" type="checkbox" value="1"{{#pressReleaseRequired}} checked{{/pressReleaseRequired}}> A press release is required</label></div>
          <div class="field{{#fe.strategyFormulated}} field-error{{/fe.strategyFormulated}}"><label for="strategyFormulated">Has a media strategy been formulated?</label>
            {{#fe.strategyFormulated}}<p class="error-message" id="strategyFormulated-error"><span class="visually-hidden">Error:</span> {{fe.strategyFormulated}}</p>{{/fe.strategyFormulated}}
            <select id="strategyFormulated" name="strategyFormulated" class="short">{{#strategyFormulated}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/strategyFormulated}}</select></div>
          <div class="field{{#fe.strategyAttached}} field-error{{/fe.strategyAttached}}"><label for="strategyAttached">Is the media strategy attached?</label>
            {{#fe.strategyAttached}}<p class="error-message" id="strategyAttached-error"><span class="visually-hidden">Error:</span> {{fe.strategyAttached}}</p>{{/fe.strategyAttached}}
            <select id="strategyAttached" name="strategyAttached" class="short">{{#strategyAttached}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/strategyAttached}}</select></div>
          \(input("proposedPressReleaseDate", name: "proposedPressReleaseDate", label: "Proposed press release date (optional)", hint: "Year-month-day, for example 2016-03-14"))
          <h2>Publication</h2>
          <div class="field"><label for="deferred"><input id="deferred" name="deferred" type="checkbox" value="1"{{#deferred}} checked{{/deferred}}> Publication of Part 1 is to be deferred</label>
            <p class="hint">Only where release before that date would compromise the implementation of the decision.</p></div>
          \(textareaRows("deferralReason", label: "Reason for deferral", rows: 2))
          \(input("deferralUntil", name: "deferralUntil", label: "Deferred until{{^untilRequired}} (if known){{/untilRequired}}", hint: "Year-month-day, for example 2016-06-30"))
          {{#part2Reader}}
          <h2>Part 2 (confidential)</h2>
          <p>Part 2 is never published. Whether it exists is public; its content is read only by the office's Part 2 readers.</p>
          <div class="field"><label for="part2Exists"><input id="part2Exists" name="part2Exists" type="checkbox" value="1"{{#part2Exists}} checked{{/part2Exists}}> This decision has a Part 2</label></div>
          \(textareaRows("part2Reason", label: "Why a Part 2 is needed", hint: "Some offices print this reason on Part 1.", rows: 2))
          <div class="field{{#fe.part2Content}} field-error{{/fe.part2Content}}"><label for="part2Content">Part 2 content</label>
            <p class="hint" id="part2Content-hint">{{#version}}Leave blank to keep the content already recorded (read it on the record's page). {{/version}}Never shown to the public.</p>
            {{#fe.part2Content}}<p class="error-message" id="part2Content-error"><span class="visually-hidden">Error:</span> {{fe.part2Content}}</p>{{/fe.part2Content}}
            <textarea id="part2Content" name="part2Content" rows="5" aria-describedby="part2Content-hint"></textarea></div>
          <div class="field"><label for="part2Complete"><input id="part2Complete" name="part2Complete" type="checkbox" value="1"{{#part2Complete}} checked{{/part2Complete}}> The Part 2 content is complete (needed before submission)</label></div>
          {{/part2Reader}}
          {{^version}}
          \(input("on", name: "on", label: "Date raised, if recorded later (optional)", hint: "Year-month-day; leave blank for today"))
          {{/version}}
          {{#version}}
          \(input("on", name: "on", label: "Date of the change, if recorded later (optional)", hint: "Year-month-day; leave blank for today"))
          {{/version}}
          <button type="submit" class="button">{{button}}{{^button}}Save draft{{/button}}</button>
        </form>
        """

    /// A labelled textarea with `rows`, its error beside it (from `fe`), as `textarea`.
    static func textareaRows(_ id: String, label: String, hint: String? = nil, rows: Int) -> String {
        textarea(id, name: id, label: label, hint: hint).replacingOccurrences(
            of: "rows=\"2\"", with: "rows=\"\(rows)\"")
    }

    static let error = """
        <h1>{{heading}}</h1>
        <p class="lead">{{message}}</p>
        <p><a href="/">Go to the start</a></p>
        """

    static let css = """
        *{box-sizing:border-box}
        body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c;background:#fff}
        .width{max-width:960px;margin:0 auto;padding:0 15px}
        .skip-link{position:absolute;left:-9999px}.skip-link:focus{position:static;display:block;padding:10px}
        .header{background:#0b0c0c;color:#fff;border-bottom:10px solid #1d70b8;padding:10px 0}
        .header a,.header .link-button{color:#fff}
        .service-name{font-weight:700;font-size:24px;text-decoration:none}
        .nav ul{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:15px}
        .inline{display:inline}
        .link-button{background:none;border:0;padding:0;font:inherit;text-decoration:underline;cursor:pointer}
        main{padding:20px 0 40px}
        h1{font-size:36px;margin:10px 0 20px}h2{font-size:27px;margin:30px 0 15px}h3{font-size:21px}
        .lead{font-size:21px}.caption{color:#505a5f;font-size:19px}
        a{color:#1d70b8}a:visited{color:#4c2c92}
        a:focus,button:focus,input:focus,select:focus,textarea:focus,.link-button:focus{outline:3px solid #ffdd00;outline-offset:0;background:#ffdd00;color:#0b0c0c;box-shadow:0 -2px #ffdd00,0 4px #0b0c0c}
        .back-link{display:block;width:fit-content;margin-top:15px;color:#0b0c0c}.back-link:before{content:"‹ "}
        .table{width:100%;border-collapse:collapse;margin-bottom:20px}
        .table th,.table td{text-align:left;padding:10px 20px 10px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
        .summary-list{margin:0 0 20px}.summary-row{display:flex;border-bottom:1px solid #b1b4b6;padding:10px 0}
        .summary-row dt{font-weight:700;width:35%;margin:0}.summary-row dd{margin:0;width:65%;white-space:pre-wrap}
        .tag{display:inline-block;padding:2px 8px;font-size:16px;font-weight:700;background:#cce2d8;color:#005a30}
        .tag-draft,.tag-grey{background:#eeefef;color:#383f43}.tag-awaiting-sign-offs,.tag-with-decision-maker{background:#bbd4ea;color:#0c2d4a}
        .tag-approved,.tag-published{background:#cce2d8;color:#005a30}.tag-not-approved,.tag-withdrawn{background:#f4cdc6;color:#2a0b06}
        .tag-publication-deferred{background:#fff7bf;color:#594d00}.tag-overdue{background:#f4cdc6;color:#2a0b06}
        .field{margin-bottom:20px;border:0;padding:0}.field label,.field legend{display:block;font-weight:700;margin-bottom:5px}
        fieldset.field label{font-weight:400}
        input,select,textarea{font:inherit;border:2px solid #0b0c0c;padding:5px;width:100%;max-width:40em}
        input[type=checkbox],input[type=radio]{width:auto}.short{max-width:10em}
        .button{font:inherit;background:#00703c;color:#fff;border:0;padding:8px 15px;box-shadow:0 2px 0 #002d18;cursor:pointer}
        .button.warning{background:#d4351c;box-shadow:0 2px 0 #55150b}.hint{color:#505a5f;margin:0 0 5px}
        .button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
        .error-summary{border:5px solid #d4351c;padding:15px;margin-bottom:30px}.error-summary h2{margin-top:0}
        .error-summary a{color:#d4351c;font-weight:700}
        .field-error{border-left:5px solid #d4351c;padding-left:15px}.error-message{color:#d4351c;font-weight:700;margin:0 0 5px}
        .field-error input,.field-error textarea{border-color:#d4351c}
        .filters{background:#f3f2f1;padding:15px;margin-bottom:20px}
        .action{border-left:5px solid #b1b4b6;padding-left:15px;margin-bottom:30px}
        .part2{border-left:5px solid #d4351c;padding-left:15px;white-space:pre-wrap}
        .visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        .sub-nav ul{list-style:none;margin:0 0 20px;padding:0;display:flex;flex-wrap:wrap;gap:20px}
        .sub-nav a[aria-current]{font-weight:700;color:#0b0c0c;text-decoration:none;border-bottom:4px solid #1d70b8}
        .button-group{display:flex;gap:15px;flex-wrap:wrap}.warning-text{margin:0 0 5px}
        .tag-scheduled{background:#eeefef;color:#383f43}.tag-submitted,.tag-returned-for-revision{background:#fff7bf;color:#594d00}
        .tag-accepted{background:#cce2d8;color:#005a30}.tag-waived{background:#eeefef;color:#383f43}
        .notice{border-left:5px solid #1d70b8;background:#f3f2f1;padding:10px 15px;margin-bottom:20px}
        .chart{margin:0 0 30px}.chart svg{max-width:100%;height:auto}
        .footer{border-top:1px solid #b1b4b6;padding:20px 0;font-size:16px;color:#505a5f}
        .table .num{text-align:right;padding-left:15px;padding-right:15px;white-space:nowrap}.table.small{font-size:16px}
        .table .num+th:not(.num),.table .num+td:not(.num){padding-left:20px}
        .table-wrap .table th[scope=row]{min-width:12em}
        .table th[scope=row]{font-weight:400}.table tr.strand-line th,.table tr.strand-line td{font-weight:700}
        .table tfoot th,.table tfoot td{border-bottom:0}.table-wrap{overflow-x:auto;margin-bottom:20px}
        .sub-nav.years ul{gap:15px;font-size:16px}
        .tag-active,.tag-signed,.tag-selected,.tag-confirmed,.tag-adopted,.tag-band-low{background:#cce2d8;color:#005a30}
        .tag-conditions-met,.tag-requested,.tag-shortlisted,.tag-selecting,.tag-scoring{background:#bbd4ea;color:#0c2d4a}
        .tag-closed,.tag-cancelled,.tag-clawback-settled{background:#eeefef;color:#383f43}
        .tag-terminated,.tag-refused,.tag-band-high{background:#f4cdc6;color:#2a0b06}
        .tag-band-medium{background:#fff7bf;color:#594d00}
        .chain{display:flex;flex-wrap:wrap;gap:10px;list-style:none;padding:0;margin:0 0 20px;counter-reset:step}
        .chain li{background:#f3f2f1;padding:5px 12px}.chain li+li:before{content:"→ ";color:#505a5f}
        .list{padding-left:20px}
        .notice-success{border-left-color:#00703c}.tag-delegated{background:#e9d7f0;color:#3d1f4f}
        .decision-form h2{font-size:24px}
        """
}
