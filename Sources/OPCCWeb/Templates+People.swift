// The first-run set-up page and the people page.

extension Templates {
    static let people: [String: String] = ["setup": setUp, "people": peoplePage]

    static let setUp = """
        {{> error-summary}}
        <h1>Set up your office</h1>
        <p class="lead">This link works once. It creates your office and you as its first administrator; then you
        sign in and add your office's people.</p>
        <form method="post" action="{{action}}" novalidate>
          <h2>Your office</h2>
          <div class="field"><label for="profile">Paste your office profile (YAML)</label>
            <p class="hint" id="profile-hint">The whole profile, as docs/office-profile.md describes it. Leave this
            empty to use the short form below instead.</p>
            <textarea id="profile" name="profile" rows="10" spellcheck="false"
              aria-describedby="profile-hint">{{profileText}}</textarea></div>
          <p>Or, without a profile:</p>
          <div class="field"><label for="officeID">Office id</label>
            <p class="hint" id="officeID-hint">Lower-case letters, digits and hyphens, e.g. surrey.</p>
            <input id="officeID" name="officeID" spellcheck="false" autocapitalize="none" value="{{officeID}}"
              aria-describedby="officeID-hint"></div>
          <div class="field"><label for="officeName">Office name</label>
            <input id="officeName" name="officeName" value="{{officeName}}"></div>
          <fieldset class="field"><legend>Decision numbers look like</legend>
            {{#numberings}}
            <div class="radio"><input type="radio" id="numbering-{{value}}" name="numbering" value="{{value}}"
              {{#checked}}checked{{/checked}}><label for="numbering-{{value}}">{{example}}</label></div>
            {{/numberings}}
          </fieldset>
          <h2>You, its first administrator</h2>
          <div class="field"><label for="name">Sign-in name</label>
            <p class="hint" id="name-hint">Letters, digits, '-', '_' or '.'.</p>
            <input id="name" name="name" autocomplete="username" spellcheck="false" autocapitalize="none"
              value="{{name}}" aria-describedby="name-hint"></div>
          <div class="field"><label for="displayName">Your name as others see it</label>
            <input id="displayName" name="displayName" autocomplete="name" value="{{displayName}}"></div>
          <div class="field"><label for="email">Email address</label>
            <input id="email" name="email" type="email" autocomplete="email" spellcheck="false" value="{{email}}"></div>
          <div class="field"><label for="password">Password</label>
            <p class="hint" id="password-hint">{{rules}}</p>
            <input id="password" name="password" type="password" autocomplete="new-password"
              aria-describedby="password-hint"></div>
          <div class="field"><label for="confirm">Type it again</label>
            <input id="confirm" name="confirm" type="password" autocomplete="new-password"></div>
          <button type="submit" class="button">Set up the office</button>
        </form>
        """

    static let peoplePage = """
        {{> error-summary}}
        <h1>People of {{office}}</h1>
        {{#notice}}<div class="notice" role="status"><p>Done: {{notice}}.</p></div>{{/notice}}
        <p class="lead">Everyone in the office, their roles and when they last signed in. Nobody is deleted: a person
        who leaves is disabled, and the audit log keeps their name.</p>
        <table class="table">
          <caption class="visually-hidden">People</caption>
          <thead><tr><th scope="col">Person</th><th scope="col">Roles</th><th scope="col">Status</th>
            <th scope="col">Last sign-in</th></tr></thead>
          <tbody>
          {{#people}}
          <tr><td>{{displayName}} <span class="hint">({{name}}{{#email}}, {{email}}{{/email}})</span></td>
            <td><ul class="list">{{#grants}}<li>{{label}}</li>{{/grants}}</ul></td>
            <td>{{status}}</td><td>{{lastSignIn}}</td></tr>
          {{/people}}
          </tbody>
        </table>

        {{#people}}
        <details class="details"><summary>Change {{displayName}} ({{name}})</summary>
          <form method="post" action="/people/{{name}}/grant" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="field"><label for="grant-role-{{name}}">Grant a role</label>
              <select id="grant-role-{{name}}" name="role">{{#roles}}<option>{{value}}</option>{{/roles}}</select></div>
            <div class="field"><label for="grant-scope-{{name}}">Limited to records (optional)</label>
              <p class="hint">Record references, separated by commas; empty for the whole office.</p>
              <input id="grant-scope-{{name}}" name="scope" spellcheck="false"></div>
            <button type="submit" class="button secondary">Grant</button>
          </form>
          {{#grants}}
          <form method="post" action="/people/{{name}}/end-role" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="role" value="{{role}}"><input type="hidden" name="scope" value="{{scope}}">
            <button type="submit" class="button secondary">End {{label}}</button>
          </form>
          {{/grants}}
          {{^disabled}}
          <form method="post" action="/people/{{name}}/disable" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit" class="button warning">Disable {{name}}</button>
          </form>
          <form method="post" action="/people/{{name}}/invite" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit" class="button secondary">Send an invitation</button>
          </form>
          <form method="post" action="/people/{{name}}/reset" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit" class="button secondary">Send a password reset</button>
          </form>
          {{/disabled}}
          {{#disabled}}
          <form method="post" action="/people/{{name}}/enable" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit" class="button">Enable {{name}}</button>
          </form>
          {{/disabled}}
        </details>
        {{/people}}

        <h2>Add a person</h2>
        <form method="post" action="/people" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <div class="field"><label for="name">Sign-in name</label>
            <p class="hint" id="name-hint">Letters, digits, '-', '_' or '.'.</p>
            <input id="name" name="name" spellcheck="false" autocapitalize="none" aria-describedby="name-hint"></div>
          <div class="field"><label for="displayName">Name as others see it</label>
            <input id="displayName" name="displayName"></div>
          <div class="field"><label for="email">Email address (for invitations and notifications)</label>
            <input id="email" name="email" type="email" spellcheck="false"></div>
          <fieldset class="field"><legend>Roles</legend>
            {{#roles}}
            <div class="checkbox"><input type="checkbox" id="role-{{value}}" name="role-{{value}}" value="1">
              <label for="role-{{value}}">{{value}}</label></div>
            {{/roles}}
          </fieldset>
          <div class="field"><label for="scope">Limited to records (optional)</label>
            <p class="hint">Record references, separated by commas; empty for the whole office.</p>
            <input id="scope" name="scope" spellcheck="false"></div>
          <button type="submit" class="button">Add the person</button>
        </form>
        """
}
