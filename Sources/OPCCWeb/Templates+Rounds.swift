// The grant rounds' pages: the public list and a round's published page, the applicant's sign-up, applications and
// form, and the officers' and assessors' pages (eligibility, scoring, moderation). Tables read as cards on a phone
// (`.table.cards`, from the public pages' styles); every style is in `roundsCSS`, served in `/assets/opcc.css`.

extension Templates {
    static let rounds: [String: String] = [
        "rounds": roundList, "round": roundPage, "sign-up": signUp, "sign-up-sent": signUpSent,
        "applications": applicationList, "application": applicationPage, "round-manage": roundManage,
        "assess": assessPage, "moderation": moderationPage, "round-banner": roundBanner,
    ]

    static let roundBanner = """
        {{#banner}}<div class="notice notice-success" role="status"><p>{{banner}}</p></div>{{/banner}}
        """

    static let roundList = """
        <h1>Grant rounds</h1>
        <p class="lead">Funds the offices open to charities, councils and community groups: what each funds, how
        applications are scored, and when each opens and closes (London time).</p>
        <h2>Open rounds</h2>
        {{#first(open)}}
        <table class="table cards">
          <caption class="visually-hidden">Open rounds</caption>
          <thead><tr><th scope="col">Round</th><th scope="col">Office</th><th scope="col" class="num">Total</th>
            <th scope="col">Closes</th></tr></thead>
          <tbody>
          {{#open}}<tr><td data-label="Round"><a href="{{href}}">{{title}}</a></td><td data-label="Office">{{office}}</td>
            <td data-label="Total" class="num">{{total}}</td><td data-label="Closes">{{closes}}</td></tr>{{/open}}
          </tbody>
        </table>
        {{/first(open)}}
        {{^open}}<p>No round is open now.</p>{{/open}}
        {{#first(upcoming)}}
        <h2>Opening soon</h2>
        <table class="table cards">
          <caption class="visually-hidden">Rounds opening soon</caption>
          <thead><tr><th scope="col">Round</th><th scope="col">Office</th><th scope="col" class="num">Total</th>
            <th scope="col">Opens</th></tr></thead>
          <tbody>
          {{#upcoming}}<tr><td data-label="Round"><a href="{{href}}">{{title}}</a></td><td data-label="Office">{{office}}</td>
            <td data-label="Total" class="num">{{total}}</td><td data-label="Opens">{{opens}}</td></tr>{{/upcoming}}
          </tbody>
        </table>
        {{/first(upcoming)}}
        <h2>Past rounds</h2>
        {{#first(past)}}
        <table class="table cards">
          <caption class="visually-hidden">Past rounds</caption>
          <thead><tr><th scope="col">Round</th><th scope="col">Office</th><th scope="col" class="num">Total</th>
            <th scope="col">Closed</th><th scope="col">Status</th></tr></thead>
          <tbody>
          {{#past}}<tr><td data-label="Round"><a href="{{href}}">{{title}}</a></td><td data-label="Office">{{office}}</td>
            <td data-label="Total" class="num">{{total}}</td><td data-label="Closed">{{closes}}</td>
            <td data-label="Status"><strong class="tag tag-{{stateClass}}">{{state}}</strong></td></tr>{{/past}}
          </tbody>
        </table>
        {{/first(past)}}
        {{^past}}<p>No round has closed yet.</p>{{/past}}
        <p>Applying for a partner organisation? <a href="/sign-up">Sign up your organisation</a>, or
        <a href="/applications">see your applications</a>.</p>
        """

    static let roundPage = """
        <span class="caption">{{office}} · {{id}}</span>
        <h1>{{title}}</h1>
        <p><strong class="tag tag-{{stateClass}}">{{state}}</strong></p>
        {{#summary}}<p class="lead">{{summary}}</p>{{/summary}}
        {{#first(staffLinks)}}<nav class="sub-nav" aria-label="Working on this round"><ul>{{#staffLinks}}<li><a href="{{href}}">{{label}}</a></li>{{/staffLinks}}</ul></nav>{{/first(staffLinks)}}
        {{#applyHref}}<p><a href="{{applyHref}}" class="button">Apply to this round</a></p>
        <p>Applying for the first time? <a href="/sign-up?round={{id}}">Sign up your organisation</a>, then apply.</p>{{/applyHref}}
        <dl class="summary-list">
          {{#facts}}<div class="summary-row"><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        {{#first(bands)}}
        <h2>Size of grants</h2>
        <table class="table cards">
          <caption class="visually-hidden">Size bands</caption>
          <thead><tr><th scope="col">Band</th><th scope="col" class="num">From</th><th scope="col" class="num">Up to</th></tr></thead>
          <tbody>{{#bands}}<tr><td data-label="Band">{{name}}</td><td data-label="From" class="num">{{minimum}}</td>
            <td data-label="Up to" class="num">{{maximum}}</td></tr>{{/bands}}</tbody>
        </table>
        {{/first(bands)}}
        <h2>Who may apply</h2>
        {{#first(eligibility)}}<ul class="list">{{#eligibility}}<li>{{.}}</li>{{/eligibility}}</ul>{{/first(eligibility)}}
        {{^eligibility}}<p>Any partner organisation with a charity or company number.</p>{{/eligibility}}
        <h2>How applications are scored</h2>
        <table class="table cards">
          <caption class="visually-hidden">Criteria and their weights</caption>
          <thead><tr><th scope="col">Criterion</th><th scope="col" class="num">Weight</th></tr></thead>
          <tbody>{{#criteria}}<tr><td data-label="Criterion"><strong>{{name}}</strong>{{#description}}<br>{{description}}{{/description}}</td>
            <td data-label="Weight" class="num">{{weight}}</td></tr>{{/criteria}}</tbody>
        </table>
        <h3>Scoring scale</h3>
        <dl class="summary-list">
          {{#scale}}<div class="summary-row"><dt>{{score}}</dt><dd>{{descriptor}}</dd></div>{{/scale}}
        </dl>
        <h2>Questions of the application form</h2>
        <ol class="list">{{#questions}}<li>{{text}}{{#hint}} <span class="hint">({{hint}})</span>{{/hint}}</li>{{/questions}}</ol>
        {{#first(awards)}}
        <h2>Awards</h2>
        <p>The Commissioner's decision {{decision}} approved these awards.</p>
        <table class="table cards">
          <caption class="visually-hidden">Awards of the round</caption>
          <thead><tr><th scope="col">Organisation</th><th scope="col">Area</th><th scope="col" class="num">Amount</th></tr></thead>
          <tbody>{{#awards}}<tr><td data-label="Organisation">{{organisation}}</td><td data-label="Area">{{area}}</td>
            <td data-label="Amount" class="num">{{amount}}</td></tr>{{/awards}}</tbody>
          <tfoot><tr><th scope="row">Total awarded</th><td></td><td class="num">{{awardedTotal}}</td></tr></tfoot>
        </table>
        {{/first(awards)}}
        <p>Applications and their scores are never published.</p>
        """

    static let signUp = """
        {{> error-summary}}
        <h1>Sign up your organisation</h1>
        <p class="lead">For charities, councils and community groups applying to a grant round. We send a link to your
        email address; you choose your password with it.</p>
        <form method="post" action="/sign-in/sign-up" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <h2>Your organisation</h2>
          \(input("signup-organisation", name: "organisation", label: "Organisation's name", width: ""))
          <fieldset class="field{{#fe.signup_kind}} field-error{{/fe.signup_kind}}" id="signup-kind"><legend>Its registration</legend>
            {{#fe.signup_kind}}<p class="error-message" id="signup-kind-error"><span class="visually-hidden">Error:</span> {{fe.signup_kind}}</p>{{/fe.signup_kind}}
            {{#kinds}}<div class="radio"><input type="radio" id="signup-kind-{{value}}" name="kind" value="{{value}}"{{#selected}} checked{{/selected}}>
              <label for="signup-kind-{{value}}">{{label}}</label></div>{{/kinds}}
          </fieldset>
          \(input("signup-number", name: "number", label: "Charity or company number", hint: "As registered: for example 1045678 (a charity in England and Wales), SC012345 (in Scotland) or 01234567 (a company). It becomes your 360Giving org-id, like GB-CHC-1045678."))
          <div class="field{{#fe.signup_round}} field-error{{/fe.signup_round}}"><label for="signup-round">The round you are applying to</label>
            {{#fe.signup_round}}<p class="error-message" id="signup-round-error"><span class="visually-hidden">Error:</span> {{fe.signup_round}}</p>{{/fe.signup_round}}
            <select id="signup-round" name="round"{{#fe.signup_round}} aria-describedby="signup-round-error"{{/fe.signup_round}}>
              <option value="">Choose a round</option>{{#rounds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/rounds}}
            </select></div>
          <h2>You</h2>
          \(input("signup-displayName", name: "displayName", label: "Your name", width: ""))
          \(input("signup-email", name: "email", label: "Email address", hint: "We send the link here.", width: ""))
          \(input("signup-name", name: "name", label: "Sign-in name", hint: "Letters, digits, '-', '_' or '.'."))
          <button type="submit" class="button">Sign up</button>
        </form>
        <p>Already signed up? <a href="/sign-in">Sign in</a>.</p>
        """

    static let signUpSent = """
        <h1>Check your email</h1>
        <p class="lead">If the address can be used, a link is on its way to it. It works once, for a limited time:
        open it to confirm your address and choose your password.</p>
        <p><a href="/rounds">Back to the grant rounds</a></p>
        """

    static let applicationList = """
        {{> round-banner}}
        <h1>Your applications</h1>
        <p class="lead">Your organisation's applications. Nobody else's are shown here.</p>
        {{#first(rows)}}
        <table class="table cards">
          <caption class="visually-hidden">Your applications</caption>
          <thead><tr><th scope="col">Application</th><th scope="col">Round</th><th scope="col" class="num">Requested</th>
            <th scope="col">Status</th></tr></thead>
          <tbody>
          {{#rows}}<tr><td data-label="Application"><a href="{{href}}">{{title}}</a></td><td data-label="Round">{{round}}</td>
            <td data-label="Requested" class="num">{{requested}}</td>
            <td data-label="Status"><strong class="tag tag-{{stateClass}}">{{state}}</strong></td></tr>{{/rows}}
          </tbody>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>Your organisation has no application yet.</p>{{/rows}}
        <h2>Start an application</h2>
        {{#first(open)}}
        <ul class="list">{{#open}}<li><a href="{{href}}">{{title}}</a> ({{office}}), closes {{closes}}</li>{{/open}}</ul>
        {{/first(open)}}
        {{^open}}<p>No round is open now. <a href="/rounds">See every round</a>.</p>{{/open}}
        """

    static let applicationPage = """
        {{> error-summary}}
        {{> round-banner}}
        <span class="caption">{{round}}{{#id}} · {{id}}{{/id}}</span>
        <h1>{{heading}}</h1>
        <p><strong class="tag tag-{{stateClass}}">{{state}}</strong></p>
        <p>The round closes {{closes}} (London time). {{#editable}}Save a draft as often as you like; nothing is sent
        until you submit.{{/editable}}</p>
        {{#editable}}
        <form method="post" action="{{action}}" novalidate class="application-form" id="application">
          <input type="hidden" name="csrf" value="{{csrf}}">
          \(input("application-title", name: "title", label: "Project title", width: ""))
          <h2>Questions</h2>
          {{#questions}}
          <div class="field{{#error}} field-error{{/error}}"><label for="{{field}}">{{text}}</label>
            {{#hint}}<p class="hint" id="{{field}}-hint">{{hint}}</p>{{/hint}}
            {{#error}}<p class="error-message" id="{{field}}-error"><span class="visually-hidden">Error:</span> {{error}}</p>{{/error}}
            <textarea id="{{field}}" name="{{field}}" rows="5"{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}>{{answer}}</textarea></div>
          {{/questions}}
          <h2>Budget</h2>
          <p class="hint">One line per item. The lines must add up to the amount you ask for.</p>
          <div class="budget-lines">
          {{#lines}}
          <fieldset class="budget-line"><legend class="visually-hidden">Budget line {{number}}</legend>
            <div class="field{{#descriptionError}} field-error{{/descriptionError}}"><label for="line-{{index}}-description">Item {{number}}</label>
              {{#descriptionError}}<p class="error-message" id="line-{{index}}-description-error"><span class="visually-hidden">Error:</span> {{descriptionError}}</p>{{/descriptionError}}
              <input id="line-{{index}}-description" name="line-{{index}}-description" value="{{description}}"{{#descriptionError}} aria-describedby="line-{{index}}-description-error"{{/descriptionError}}></div>
            <div class="field{{#amountError}} field-error{{/amountError}}"><label for="line-{{index}}-amount">Cost of item {{number}} (£)</label>
              {{#amountError}}<p class="error-message" id="line-{{index}}-amount-error"><span class="visually-hidden">Error:</span> {{amountError}}</p>{{/amountError}}
              <input id="line-{{index}}-amount" name="line-{{index}}-amount" class="short" inputmode="decimal" value="{{amount}}"{{#amountError}} aria-describedby="line-{{index}}-amount-error"{{/amountError}}></div>
          </fieldset>
          {{/lines}}
          </div>
          \(input("application-requested", name: "requested", label: "Amount you ask for (£)", hint: "For example, £4,500. The budget's lines must add up to it.", inputmode: "decimal"))
          <h2>Where and what for</h2>
          \(input("application-area", name: "area", label: "Area the project serves", hint: "A district, ward or town, for example Guildford.", width: ""))
          \(textareaRows("application-outcomes", label: "Outcomes", hint: "What will be different when the project ends, and how you will know.", rows: 4).replacingOccurrences(of: "name=\"application-outcomes\"", with: "name=\"outcomes\"").replacingOccurrences(of: "{{application-outcomes}}", with: "{{outcomes}}"))
          <div class="button-group">
            <button type="submit" class="button secondary" name="intent" value="save">Save draft</button>
            {{^isNew}}<button type="submit" class="button" formaction="{{submitAction}}">Submit the application</button>{{/isNew}}
          </div>
        </form>
        {{/editable}}
        {{^editable}}
        <dl class="summary-list">
          {{#facts}}<div class="summary-row"><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        <h2>Answers</h2>
        <dl class="summary-list">
          {{#questions}}<div class="summary-row"><dt>{{text}}</dt><dd>{{answer}}</dd></div>{{/questions}}
        </dl>
        <h2>Budget</h2>
        <table class="table cards">
          <caption class="visually-hidden">Budget</caption>
          <thead><tr><th scope="col">Item</th><th scope="col" class="num">Cost</th></tr></thead>
          <tbody>{{#budget}}<tr><td data-label="Item">{{description}}</td><td data-label="Cost" class="num">{{amount}}</td></tr>{{/budget}}</tbody>
          <tfoot><tr><th scope="row">Total</th><td class="num">{{requested}}</td></tr></tfoot>
        </table>
        {{/editable}}
        {{^isNew}}
        <h2>Documents</h2>
        <p><a href="/applications/{{id}}/documents">The application's documents</a>{{#editable}}: attach a business
        case, accounts or letters of support while it is a draft{{/editable}}. Only your organisation, the round's
        officers and its assessors read them; they are never published.</p>
        {{/isNew}}
        """

    static let roundManage = """
        {{> error-summary}}
        {{> round-banner}}
        <span class="caption">{{office}} · {{id}}</span>
        <h1>Applications to {{title}}</h1>
        <p><strong class="tag tag-{{stateClass}}">{{state}}</strong> <a href="/rounds/{{id}}">The round's public page</a></p>
        <nav class="sub-nav" aria-label="This round"><ul>
          <li><a href="/rounds/{{id}}/applications" aria-current="page">Eligibility</a></li>
          <li><a href="/rounds/{{id}}/assess">Assessment</a></li>
          <li><a href="/rounds/{{id}}/moderation">Moderation</a></li>
        </ul></nav>
        {{#first(rows)}}
        <table class="table cards">
          <caption class="visually-hidden">Applications</caption>
          <thead><tr><th scope="col">Application</th><th scope="col">Organisation</th><th scope="col" class="num">Requested</th>
            <th scope="col">Status</th><th scope="col">Eligibility</th></tr></thead>
          <tbody>
          {{#rows}}<tr><td data-label="Application">{{id}}<br>{{title}}</td><td data-label="Organisation">{{organisation}}</td>
            <td data-label="Requested" class="num">{{requested}}</td>
            <td data-label="Status"><strong class="tag tag-{{stateClass}}">{{state}}</strong></td>
            <td data-label="Eligibility">{{eligibility}}</td></tr>{{/rows}}
          </tbody>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>No application has been submitted yet.</p>{{/rows}}
        {{#first(marking)}}<h2>Mark eligibility</h2>{{/first(marking)}}
        {{#marking}}
        <form method="post" action="/rounds/{{round}}/applications/{{id}}/eligibility" novalidate class="action" id="eligibility-{{id}}">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <h3>{{id}}: {{title}} ({{organisation}})</h3>
          <fieldset class="field"><legend>Is it eligible?</legend>
            <div class="radio"><input type="radio" id="eligible-{{id}}-yes" name="eligible" value="yes" checked><label for="eligible-{{id}}-yes">Eligible</label></div>
            <div class="radio"><input type="radio" id="eligible-{{id}}-no" name="eligible" value="no"><label for="eligible-{{id}}-no">Not eligible</label></div>
          </fieldset>
          <div class="field{{#error}} field-error{{/error}}"><label for="eligibility-{{id}}-reason">Reason</label>
            {{#error}}<p class="error-message" id="eligibility-{{id}}-reason-error"><span class="visually-hidden">Error:</span> {{error}}</p>{{/error}}
            <textarea id="eligibility-{{id}}-reason" name="reason" rows="2"{{#error}} aria-describedby="eligibility-{{id}}-reason-error"{{/error}}>{{reason}}</textarea></div>
          <button type="submit" class="button secondary">Record eligibility</button>
        </form>
        {{/marking}}
        """

    static let assessPage = """
        {{> error-summary}}
        {{> round-banner}}
        <span class="caption">{{office}} · {{id}}</span>
        <h1>Assess {{title}}</h1>
        <p class="lead">Score each eligible application against the round's criteria. Declare a conflict of interest
        first if you have one: you then cannot score that application. Other assessors' scores show once yours is
        submitted.</p>
        {{#scale}}<p class="hint">Scale: {{scale}}</p>{{/scale}}
        {{^applications}}<p>No application waits for your assessment.</p>{{/applications}}
        {{#applications}}
        <section class="assessment" aria-labelledby="assess-{{id}}-heading">
          <h2 id="assess-{{id}}-heading">{{id}}: {{title}}</h2>
          <p>{{organisation}} · asks for {{requested}} · {{area}}</p>
          <details class="details"><summary>Read the application</summary>
            <dl class="summary-list">{{#answers}}<div class="summary-row"><dt>{{text}}</dt><dd>{{answer}}</dd></div>{{/answers}}</dl>
          </details>
          {{#conflicted}}<p><strong class="tag tag-grey">Conflict declared</strong> You declared a conflict of interest: you do not score this application.</p>{{/conflicted}}
          {{#mayDeclare}}
          <form method="post" action="/rounds/{{round}}/assess/{{id}}/conflict" novalidate class="action" id="conflict-{{id}}">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <fieldset class="field" id="conflict-{{id}}-choice"><legend>Do you have a conflict of interest in this application?</legend>
              <div class="radio"><input type="radio" id="conflict-{{id}}-no" name="conflicted" value="no" checked><label for="conflict-{{id}}-no">No</label></div>
              <div class="radio"><input type="radio" id="conflict-{{id}}-yes" name="conflicted" value="yes"><label for="conflict-{{id}}-yes">Yes: I will not score it</label></div>
            </fieldset>
            <div class="field{{#conflictError}} field-error{{/conflictError}}"><label for="conflict-{{id}}-note">The interest, if any</label>
              <p class="hint" id="conflict-{{id}}-note-hint">For example, you are a trustee of the organisation.</p>
              {{#conflictError}}<p class="error-message" id="conflict-{{id}}-note-error"><span class="visually-hidden">Error:</span> {{conflictError}}</p>{{/conflictError}}
              <textarea id="conflict-{{id}}-note" name="note" rows="2" aria-describedby="conflict-{{id}}-note-hint{{#conflictError}} conflict-{{id}}-note-error{{/conflictError}}"></textarea></div>
            <button type="submit" class="button secondary">Record my declaration</button>
          </form>
          {{/mayDeclare}}
          {{#mayScore}}
          <form method="post" action="/rounds/{{round}}/assess/{{id}}/score" novalidate class="action" id="score-{{id}}">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{#criteria}}
            <fieldset class="field criterion{{#error}} field-error{{/error}}" id="score-{{app}}-{{index}}"><legend>{{name}} (weight {{weight}})</legend>
              {{#error}}<p class="error-message" id="score-{{app}}-{{index}}-error"><span class="visually-hidden">Error:</span> {{error}}</p>{{/error}}
              <div class="field"><label for="score-{{app}}-{{index}}-score">Score</label>
                <select id="score-{{app}}-{{index}}-score" name="score-{{index}}" class="short">
                  <option value="">Choose</option>{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}
                </select></div>
              <div class="field"><label for="score-{{app}}-{{index}}-comment">Comment</label>
                <textarea id="score-{{app}}-{{index}}-comment" name="comment-{{index}}" rows="2">{{comment}}</textarea></div>
            </fieldset>
            {{/criteria}}
            <button type="submit" class="button">Submit my scores</button>
          </form>
          {{/mayScore}}
          {{#first(scores)}}
          <table class="table cards small">
            <caption>Scores{{#mine}} (yours is submitted){{/mine}}</caption>
            <thead><tr><th scope="col">Assessor</th><th scope="col" class="num">Weighted score</th><th scope="col">Comments</th></tr></thead>
            <tbody>{{#scores}}<tr><td data-label="Assessor">{{assessor}}</td><td data-label="Weighted score" class="num">{{weighted}}</td>
              <td data-label="Comments">{{comments}}</td></tr>{{/scores}}</tbody>
          </table>
          {{/first(scores)}}
          {{#hidden}}<p class="hint">{{hidden}}</p>{{/hidden}}
        </section>
        {{/applications}}
        """

    static let moderationPage = """
        {{> error-summary}}
        {{> round-banner}}
        <span class="caption">{{office}} · {{id}}</span>
        <h1>Moderation of {{title}}</h1>
        <p class="lead">Each eligible application's weighted scores by assessor. A flag marks assessors who differ by
        more than {{spread}}; the panel records a moderated score and a recommendation with reasons.</p>
        {{#mayClose}}
        <form method="post" action="/rounds/{{id}}/close" novalidate class="action" id="round-close">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <p>The round closed to applications on {{closes}} (London time). Close it to begin moderation.</p>
          <button type="submit" class="button">Close the round</button>
        </form>
        {{/mayClose}}
        {{^rows}}<p>No application is ready for moderation yet: a round is moderated once it is closed, its eligible
        applications scored.</p>{{/rows}}
        {{#first(rows)}}
        <div class="table-wrap">
        <table class="table cards">
          <caption class="visually-hidden">Weighted scores</caption>
          <thead><tr><th scope="col">Application</th><th scope="col">Scores</th><th scope="col" class="num">Mean</th>
            <th scope="col">Spread</th><th scope="col">Recommendation</th></tr></thead>
          <tbody>
          {{#rows}}<tr{{#flagged}} class="flag-row"{{/flagged}}><td data-label="Application">{{id}}<br>{{organisation}} · {{requested}}</td>
            <td data-label="Scores">{{scores}}</td><td data-label="Mean" class="num">{{mean}}</td>
            <td data-label="Spread">{{spread}}{{#flagged}} <strong class="tag tag-overdue">Spread flag</strong>{{/flagged}}</td>
            <td data-label="Recommendation">{{recommendation}}</td></tr>{{/rows}}
          </tbody>
        </table>
        </div>
        {{/first(rows)}}
        {{#first(forms)}}<h2>Record the panel's recommendations</h2>{{/first(forms)}}
        {{#forms}}
        <form method="post" action="/rounds/{{round}}/moderation/{{id}}" novalidate class="action" id="moderate-{{id}}">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <h3>{{id}}: {{title}} ({{organisation}}, asks for {{requested}})</h3>
          <div class="field{{#scoreError}} field-error{{/scoreError}}"><label for="moderate-{{id}}-score">Moderated score</label>
            {{#scoreError}}<p class="error-message" id="moderate-{{id}}-score-error"><span class="visually-hidden">Error:</span> {{scoreError}}</p>{{/scoreError}}
            <input id="moderate-{{id}}-score" name="score" class="short" inputmode="decimal" value="{{score}}"{{#scoreError}} aria-describedby="moderate-{{id}}-score-error"{{/scoreError}}></div>
          <fieldset class="field"><legend>Recommendation</legend>
            {{#choices}}<div class="radio"><input type="radio" id="moderate-{{app}}-{{value}}" name="recommendation" value="{{value}}"{{#selected}} checked{{/selected}}>
              <label for="moderate-{{app}}-{{value}}">{{label}}</label></div>{{/choices}}
          </fieldset>
          <div class="field{{#amountError}} field-error{{/amountError}}"><label for="moderate-{{id}}-amount">Amount to award (£)</label>
            <p class="hint" id="moderate-{{id}}-amount-hint">For an award of a reduced amount; an award is of the amount asked for.</p>
            {{#amountError}}<p class="error-message" id="moderate-{{id}}-amount-error"><span class="visually-hidden">Error:</span> {{amountError}}</p>{{/amountError}}
            <input id="moderate-{{id}}-amount" name="amount" class="short" inputmode="decimal" value="{{amount}}" aria-describedby="moderate-{{id}}-amount-hint{{#amountError}} moderate-{{id}}-amount-error{{/amountError}}"></div>
          <div class="field{{#reasonError}} field-error{{/reasonError}}"><label for="moderate-{{id}}-reason">Reasons (the applicant reads them as feedback)</label>
            {{#reasonError}}<p class="error-message" id="moderate-{{id}}-reason-error"><span class="visually-hidden">Error:</span> {{reasonError}}</p>{{/reasonError}}
            <textarea id="moderate-{{id}}-reason" name="reason" rows="3"{{#reasonError}} aria-describedby="moderate-{{id}}-reason-error"{{/reasonError}}>{{reason}}</textarea></div>
          <button type="submit" class="button secondary">Record the recommendation</button>
        </form>
        {{/forms}}
        {{#mayDecide}}
        <h2>The decision record</h2>
        <form method="post" action="/rounds/{{id}}/decision" novalidate id="round-decision">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <p>Raises one Request for PCC Decision listing the recommended awards, as a draft to take through its
          sign-offs.</p>
          <button type="submit" class="button">Make the decision record</button>
        </form>
        {{/mayDecide}}
        {{#decision}}<p>The decision record: <a href="{{decision}}">{{decisionLabel}}</a>.</p>{{/decision}}
        """

    /// The rounds' styles, added to `/assets/opcc.css`.
    static let roundsCSS = """
        .budget-lines{margin-bottom:10px}
        .budget-line{display:flex;flex-wrap:wrap;gap:0 20px;border:0;padding:0;margin:0}
        .budget-line .field{flex:1 1 14em;margin-bottom:10px}.budget-line .field+.field{flex:0 1 10em}
        .radio{margin-bottom:5px}.radio input{margin-right:8px}
        .radio label,fieldset.field .radio label{display:inline;font-weight:400}
        .assessment{border-top:2px solid #b1b4b6;padding-top:10px;margin-bottom:30px}
        .criterion{border-left:5px solid #b1b4b6;padding-left:15px}
        .details summary{cursor:pointer;color:#1d70b8;text-decoration:underline;margin-bottom:10px}
        .tag-open,.tag-awarded,.tag-eligible,.tag-recommended{background:#cce2d8;color:#005a30}
        .tag-declined,.tag-ineligible,.tag-late{background:#f4cdc6;color:#2a0b06}
        .tag-assessing,.tag-moderating,.tag-decided{background:#bbd4ea;color:#0c2d4a}
        @media (max-width:640px){.budget-line .field+.field{flex:1 1 100%}.button-group .button{width:100%}}
        """
}
