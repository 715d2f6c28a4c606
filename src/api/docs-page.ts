/** A self-contained API reference page (no CDN): renders the OpenAPI document client-side. */
export function docsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>omniwall API reference</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;display:flex;color:#1d232a}
nav{width:260px;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f8;padding:12px;box-sizing:border-box}
nav a{display:block;color:#234;text-decoration:none;padding:2px 0;font-size:13px}
main{flex:1;padding:16px 32px;max-width:1000px}
.op{border:1px solid #d8dee4;border-radius:6px;margin:14px 0;padding:10px 14px}
.m{display:inline-block;min-width:58px;font-weight:700;text-transform:uppercase}
.get{color:#0969da}.put{color:#9a6700}.post{color:#1a7f37}.delete{color:#cf222e}.patch{color:#8250df}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px;max-height:320px}
h2{margin-top:28px;border-bottom:1px solid #d8dee4}
</style></head>
<body><nav id="nav"><strong>omniwall API</strong></nav><main id="main">Loading ${specUrl}…</main>
<script>
fetch(${JSON.stringify(specUrl)}).then(r=>r.json()).then(spec=>{
  const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  const byTag={};
  for(const [path,ops] of Object.entries(spec.paths||{}))for(const [method,op] of Object.entries(ops)){
    const tag=(op.tags&&op.tags[0])||'general';(byTag[tag]=byTag[tag]||[]).push({path,method,op});}
  let html='<h1>'+esc(spec.info.title)+' '+esc(spec.info.version)+'</h1><p>'+esc(spec.info.description||'')+'</p>';
  let nav='<strong>omniwall API</strong>';
  for(const [tag,ops] of Object.entries(byTag)){
    html+='<h2 id="t-'+esc(tag)+'">'+esc(tag)+'</h2>';nav+='<a href="#t-'+esc(tag)+'">'+esc(tag)+'</a>';
    for(const {path,method,op} of ops){
      html+='<div class="op"><span class="m '+method+'">'+method+'</span> <code>'+esc(path)+'</code>';
      if(op.description)html+='<p>'+esc(op.description)+'</p>';
      const body=op.requestBody&&op.requestBody.content&&op.requestBody.content['application/json'];
      if(body)html+='<details><summary>request body</summary><pre>'+esc(JSON.stringify(body.schema,null,2))+'</pre></details>';
      html+='<details><summary>responses: '+Object.keys(op.responses||{}).join(', ')+'</summary><pre>'+esc(JSON.stringify(op.responses,null,2))+'</pre></details></div>';
    }
  }
  html+='<h2>schemas</h2><pre>'+esc(JSON.stringify((spec.components||{}).schemas||{},null,2))+'</pre>';
  document.getElementById('main').innerHTML=html;document.getElementById('nav').innerHTML=nav;
}).catch(e=>{document.getElementById('main').textContent='Could not load the OpenAPI document: '+e;});
</script></body></html>`;
}
