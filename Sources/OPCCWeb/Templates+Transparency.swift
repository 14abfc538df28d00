// The transparency publications' templates: public pages, no sign-in.

extension Templates {
    static let transparency: [String: String] = [
        "transparency": transparencyIndex, "transparency-table": transparencyTable,
    ]

    static let transparencyIndex = """
        <h1>Transparency publications</h1>
        <p class="lead">What the Elected Local Policing Bodies (Specified Information) Order 2011 asks each Police and
        Crime Commissioner to publish: the grants made, expenditure over £500 and contracts over £10,000.</p>
        <p>A grant is published once its agreement is signed and the decision that approved it has been published (Part 1
        only). Part 2 of a decision is never published here.</p>
        {{#sections}}
        <h2 id="{{id}}">{{heading}}</h2>
        <p>{{summary}}</p>
        <ul class="list">
          <li><a href="{{href}}">{{heading}}: web page</a></li>
          {{#csv}}<li><a href="{{csv}}">{{heading}}: CSV</a></li>{{/csv}}
          {{#json}}<li><a href="{{json}}">{{heading}}: JSON</a></li>{{/json}}
        </ul>
        {{/sections}}
        <p><a href="/register">Published decisions</a></p>
        """

    static let transparencyTable = """
        {{> error-summary}}
        <a href="/transparency" class="back-link">Transparency publications</a>
        <h1>{{heading}}</h1>
        <p class="lead">{{intro}}</p>
        <form method="get" action="{{action}}" class="filters">
          {{#office}}<input type="hidden" name="office" value="{{office}}">{{/office}}
          <div class="field"><label for="month">Month</label>
            <p class="hint" id="month-hint">{{monthHint}} For example, 2016-04. Leave it empty for every month.</p>
            <input id="month" name="month" class="short" value="{{month}}" aria-describedby="month-hint"></div>
          <button type="submit" class="button secondary">Show</button>
        </form>
        <p>Download: <a href="{{csv}}">CSV</a> · <a href="{{json}}">JSON</a></p>
        {{#first(rows)}}
        <table class="table">
          <caption>{{caption}}</caption>
          <thead><tr>{{#columns}}<th scope="col">{{.}}</th>{{/columns}}</tr></thead>
          <tbody>
          {{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}
          </tbody>
        </table>
        {{/first(rows)}}
        {{^rows}}<p>Nothing is published {{#month}}for {{month}}{{/month}}{{^month}}yet{{/month}}.</p>{{/rows}}
        """
}
