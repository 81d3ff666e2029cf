import { describe, expect, it } from 'vitest';
import { escapeHtml, homePage } from './home.js';

describe('home page', () => {
  it('escapes everything that comes from data or config', () => {
    const page = homePage('http://g.example/?a=1&b="2"', '<script>alert("x")</script> & Co', '1.0');
    expect(page).toContain('href="http://g.example/?a=1&#38;b=&#34;2&#34;"');
    expect(page).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Co');
    expect(page).not.toContain('<script>');
  });
  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&#38;&#60;&#62;&#34;&#39;');
  });
  it('leaves the org line out when there is no org yet', () => {
    expect(homePage('http://g', null, '1')).not.toContain('Organization:');
  });
});
