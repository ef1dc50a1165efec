// Renders the privacy notice from the public GraphQL field privacyNotice: no
// token, no purpose, nothing stored in the browser. Text goes in with
// textContent only, so nothing in the notice can become markup.

const QUERY = `query Notice($version: Int) { privacyNotice(version: $version) {
  version status effectiveAt contentHash changes
  clauses { key title paragraphs sections { heading paragraphs items { label text link } } } } }`;

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const paragraphs = (texts) => texts.map((text) => el('p', { text }));

// A link to a page of this site is the action ("See your data"); any other
// (mailto:, https:) is the address itself, so the label stays plain.
function renderItem(item) {
  const onSite = item.link?.startsWith('/');
  const label = onSite ? el('a', { href: item.link, text: item.label }) : el('strong', { text: item.label });
  const text = item.link && !onSite ? el('a', { href: item.link, text: item.text }) : el('span', { text: item.text });
  return el('li', {}, [label, document.createTextNode(' — '), text]);
}

function renderClause(clause, index) {
  const id = `clause-${clause.key.toLowerCase()}`;
  return el('section', { id, class: 'clause', 'aria-labelledby': `${id}-title` }, [
    el('h2', { id: `${id}-title`, text: `${index + 1}. ${clause.title}` }),
    ...paragraphs(clause.paragraphs),
    ...clause.sections.map((section) =>
      el('div', { class: 'section' }, [
        el('h3', { text: section.heading }),
        ...paragraphs(section.paragraphs),
        section.items.length > 0 ? el('ul', { class: 'items' }, section.items.map(renderItem)) : null,
      ]),
    ),
  ]);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

function render(notice) {
  $('version').textContent = notice.status === 'DRAFT' ? 'Draft: not yet published.' : `Version ${notice.version}.`;
  if (notice.effectiveAt) {
    const time = el('time', { datetime: notice.effectiveAt, text: dateFormat.format(new Date(notice.effectiveAt)) });
    $('effective').replaceChildren(document.createTextNode(' In effect since '), time, document.createTextNode('.'));
  }
  $('contents').replaceChildren(...notice.clauses.map((c, i) => el('li', {}, [el('a', { href: `#clause-${c.key.toLowerCase()}`, text: `${i + 1}. ${c.title}` })])));
  $('clauses').replaceChildren(...notice.clauses.map(renderClause));
  $('changes-box').hidden = notice.status === 'DRAFT' || notice.changes.length === 0;
  $('changes').replaceChildren(...notice.changes.map((text) => el('li', { text })));
  $('hash').textContent = notice.contentHash;
  $('notice').hidden = false;
}

async function load() {
  const requested = new URLSearchParams(location.search).get('version');
  const version = requested !== null && /^\d{1,7}$/.test(requested) ? Number(requested) : null;
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: QUERY, variables: { version } }),
      credentials: 'omit',
    });
    const body = await res.json();
    const notice = body.data?.privacyNotice;
    if (!notice) throw new Error(body.errors?.[0]?.message ?? `version ${version} has not been published`);
    render(notice);
    $('status').textContent = '';
  } catch (err) {
    $('status').textContent = '';
    $('alert').textContent = `The privacy notice could not be loaded (${err instanceof Error ? err.message : 'unknown error'}). Please try again later.`;
    $('alert').hidden = false;
  }
}

load();
