/*
 * Shell completion scripts. Each asks kstale itself for the candidates (`kstale __complete WORDS…`,
 * the current word last; bash and zsh then pass `__kstale_after__` and the words after the cursor,
 * so a `-f DIR` typed later on the line still names the configs), which answers one candidate per line and then a directive line in
 * Cobra's format, so kubectl can use the same answers for `kubectl stale`: `:4` no file
 * completion, `:0` the shell may complete file names.
 */

export const BASH_COMPLETION = `# kstale completion for bash: source <(kstale completion bash)
_kstale() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out directive
  out=$(kstale __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" __kstale_after__ "\${COMP_WORDS[@]:COMP_CWORD+1}" 2>/dev/null) || return
  directive=$(printf '%s\\n' "$out" | tail -n 1)
  out=$(printf '%s\\n' "$out" | sed '$d')
  if [[ -z "$out" && "$directive" == ":0" ]]; then
    compopt -o default 2>/dev/null
    COMPREPLY=()
    return
  fi
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$out" -- "$cur"))
}
complete -F _kstale kstale
`;

export const ZSH_COMPLETION = `#compdef kstale
# kstale completion for zsh: source <(kstale completion zsh)
_kstale() {
  local -a lines completions
  local directive
  lines=("\${(@f)$(kstale __complete "\${(@)words[2,CURRENT]}" __kstale_after__ "\${(@)words[CURRENT+1,-1]}" 2>/dev/null)}")
  directive=\${lines[-1]}
  completions=("\${(@)lines[1,-2]}")
  if [[ \${#completions} -eq 0 && $directive == ":0" ]]; then
    _files
    return
  fi
  compadd -Q -- "\${(@)completions}"
}
if [[ "$(basename -- "\${(%):-%x}")" != "_kstale" ]]; then
  compdef _kstale kstale
fi
`;

export const FISH_COMPLETION = `# kstale completion for fish: kstale completion fish | source
function __kstale_complete
    set -l args (commandline -opc)[2..-1] (commandline -ct)
    set -l out (kstale __complete $args 2>/dev/null)
    set -l directive $out[-1]
    set -e out[-1]
    if test (count $out) -eq 0; and test "$directive" = ":0"
        __fish_complete_path (commandline -ct)
        return
    end
    printf '%s\\n' $out
end
complete -c kstale -f -a '(__kstale_complete)'
`;
