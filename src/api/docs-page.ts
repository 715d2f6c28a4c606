/**
 * A self-contained API reference page (no CDN): renders the OpenAPI document client-side. Per operation:
 * its parameters (path, query, header), request body schema and example, and responses with their
 * headers; named schemas are listed once at the end and linked from where they are used.
 */
export function docsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>omniwall API reference</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;display:flex;color:#1d232a}
nav{width:260px;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f8;padding:12px;box-sizing:border-box}
nav a{display:block;color:#234;text-decoration:none;padding:2px 0;font-size:13px}
main{flex:1;padding:16px 32px;max-width:1100px}
.op{border:1px solid #d8dee4;border-radius:6px;margin:14px 0;padding:10px 14px}
.m{display:inline-block;min-width:58px;font-weight:700;text-transform:uppercase}
.get{color:#0969da}.put{color:#9a6700}.post{color:#1a7f37}.delete{color:#cf222e}.patch{color:#8250df}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px;max-height:360px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}td,th{border:1px solid #d8dee4;padding:3px 8px;text-align:left;vertical-align:top}
h2{margin-top:28px;border-bottom:1px solid #d8dee4}h4{margin:10px 0 4px}.sum{font-weight:600}.id{color:#57606a;font-size:12px}
</style></head>
<body><nav id="nav"><strong>omniwall API</strong></nav><main id="main">Loading ${specUrl}…</main>
<script>
fetch(${JSON.stringify(specUrl)}).then(r=>r.json()).then(spec=>{
  const esc=s=>String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  const refName=r=>r.split('/').pop();
  const link=n=>'<a href="#schema-'+esc(n)+'">'+esc(n)+'</a>';
  const type=s=>{
    if(!s)return '';
    if(s.$ref)return link(refName(s.$ref));
    if(s.anyOf||s.oneOf)return (s.anyOf||s.oneOf).map(type).join(' | ');
    if(s.type==='array')return type(s.items)+'[]';
    let t=esc(s.type||'any');
    if(s.enum)t+=' ('+s.enum.map(esc).join(', ')+')';
    if(s.format)t+=' '+esc(s.format);
    if(s.default!==undefined)t+=' = '+esc(JSON.stringify(s.default));
    return t;
  };
  const json=v=>'<pre>'+esc(JSON.stringify(v,null,2)).replace(/&quot;#\\/components\\/schemas\\/([\\w.-]+)&quot;/g,(m,n)=>'&quot;<a href="#schema-'+n+'">'+n+'</a>&quot;')+'</pre>';
  const schema=s=>s&&s.$ref?'<p>'+link(refName(s.$ref))+'</p>':json(s);
  const content=c=>Object.entries(c||{}).map(([type,media])=>
    '<div><code>'+esc(type)+'</code>'+schema(media.schema)+(media.example!==undefined?'<h4>example</h4>'+json(media.example):'')+'</div>').join('');
  const byTag={};
  for(const [path,ops] of Object.entries(spec.paths||{}))for(const [method,op] of Object.entries(ops)){
    const tag=(op.tags&&op.tags[0])||'general';(byTag[tag]=byTag[tag]||[]).push({path,method,op});}
  let html='<h1>'+esc(spec.info.title)+' '+esc(spec.info.version)+'</h1><p>'+esc(spec.info.description||'')+'</p>';
  let nav='<strong>omniwall API</strong>';
  for(const [tag,ops] of Object.entries(byTag)){
    html+='<h2 id="t-'+esc(tag)+'">'+esc(tag)+'</h2>';nav+='<a href="#t-'+esc(tag)+'">'+esc(tag)+'</a>';
    for(const {path,method,op} of ops){
      html+='<div class="op" id="op-'+esc(op.operationId||'')+'"><span class="m '+method+'">'+method+'</span> <code>'+esc(path)+'</code> <span class="sum">'+esc(op.summary||'')+'</span> <span class="id">'+esc(op.operationId||'')+'</span>';
      if(op.description)html+='<p>'+esc(op.description)+'</p>';
      const params=op.parameters||[];
      if(params.length){
        html+='<h4>parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>type</th><th>description</th></tr>';
        for(const p of params)html+='<tr><td><code>'+esc(p.name)+'</code></td><td>'+esc(p.in)+'</td><td>'+(p.required?'yes':'')+'</td><td>'+type(p.schema)+'</td><td>'+esc(p.description||(p.schema&&p.schema.description)||'')+'</td></tr>';
        html+='</table>';
      }
      if(op.requestBody)html+='<h4>request body'+(op.requestBody.required?' (required)':'')+'</h4>'+esc(op.requestBody.description||'')+content(op.requestBody.content);
      html+='<h4>responses</h4>';
      for(const [code,r] of Object.entries(op.responses||{})){
        const hs=Object.entries(r.headers||{});
        html+='<details'+(code.startsWith('2')?' open':'')+'><summary><b>'+esc(code)+'</b> '+esc(r.description||'')+'</summary>';
        if(hs.length)html+='<table><tr><th>header</th><th>type</th><th>description</th></tr>'+hs.map(([n,h])=>'<tr><td><code>'+esc(n)+'</code></td><td>'+type(h.schema)+'</td><td>'+esc(h.description||'')+'</td></tr>').join('')+'</table>';
        html+=content(r.content)+'</details>';
      }
      html+='</div>';
    }
  }
  html+='<h2 id="schemas">schemas</h2>';nav+='<a href="#schemas">schemas</a>';
  for(const [name,s] of Object.entries((spec.components||{}).schemas||{}))
    html+='<div class="op" id="schema-'+esc(name)+'"><b>'+esc(name)+'</b>'+(s.description?'<p>'+esc(s.description)+'</p>':'')+json(s)+'</div>';
  document.getElementById('main').innerHTML=html;document.getElementById('nav').innerHTML=nav;
}).catch(e=>{document.getElementById('main').textContent='Could not load the OpenAPI document: '+e;});
</script></body></html>`;
}
