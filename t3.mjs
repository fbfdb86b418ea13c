import yaml from 'js-yaml';
import fs from 'node:fs';
const text = fs.readFileSync('/tmp/t.yaml','utf8');
const nl=[0]; for(let i=0;i<text.length;i++) if(text.charCodeAt(i)===10) nl.push(i+1);
const lineAt=(pos)=>{let lo=0,hi=nl.length-1; while(lo<hi){const m=(lo+hi+1)>>1; if(nl[m]<=pos) lo=m; else hi=m-1;} return lo+1;};
const stack=[]; const lines=new WeakMap();
const o = yaml.load(text, {listener(ev, st){ if(ev==='open') stack.push(st.position); else { const l=stack.pop(); if(st.result && typeof st.result==='object') lines.set(st.result, lineAt(l));} }});
const walk=(v,p)=>{ if(v&&typeof v==='object'){ console.log(p, lines.get(v)); for(const [k,c] of Object.entries(v)) walk(c,p+'.'+k);} };
walk(o,'');
