// OpenGraph (https://ogp.me/) from an HTML page, for URL previews: every `og:*` meta property,
// with the page's <title> and meta description standing in for a missing og:title and
// og:description. Parsed by Bun's streaming HTMLRewriter (lol-html), built into the runtime.

/** Caps on what a page may make us store and send back. */
const MAX_PROPERTIES = 64;
const MAX_VALUE_CHARS = 2000;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Character references in attribute values and text (lol-html hands them over undecoded). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const clean = (s: string) => decodeEntities(s).replace(/\s+/g, ' ').trim().slice(0, MAX_VALUE_CHARS);

export async function parseOpenGraph(html: Uint8Array): Promise<Record<string, string>> {
  const og: Record<string, string> = {};
  let title = '';
  let titles = 0;
  let description: string | undefined;
  const rewriter = new HTMLRewriter()
    .on('meta', {
      element(el) {
        const key = (el.getAttribute('property') ?? el.getAttribute('name') ?? '').toLowerCase();
        const content = el.getAttribute('content');
        if (content === null || key === '') return;
        if (key.startsWith('og:') && !(key in og) && Object.keys(og).length < MAX_PROPERTIES) og[key] = clean(content);
        else if (key === 'description' && description === undefined) description = clean(content);
      },
    })
    .on('title', {
      element() {
        titles++;
      },
      text(t) {
        if (titles === 1 && title.length < MAX_VALUE_CHARS) title += t.text;
      },
    });
  await rewriter.transform(new Response(html)).arrayBuffer();
  if (!og['og:title'] && title.trim()) og['og:title'] = clean(title);
  if (!og['og:description'] && description) og['og:description'] = description;
  return og;
}
