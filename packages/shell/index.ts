export { splitShellWords } from './shell-words';
export { quoteWord, shellQuote } from './shell-quote';
export { formatArgv } from './format-argv';
