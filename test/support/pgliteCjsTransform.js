// Jest's CommonJS runtime rejects dynamic import() without
// --experimental-vm-modules. PGlite's CJS build only imports Node built-ins
// that way, so a synchronous require is equivalent. The bundle declares its own
// `var require` further down, hence the alias taken at the top of the file.
module.exports = {
  process(source) {
    const code = source.replace(/\bimport\(("[^"]+")\)/g, 'Promise.resolve(__privqlRequire($1))');
    return { code: `const __privqlRequire = require;\n${code}` };
  },
  getCacheKey(source, path) {
    return require('crypto').createHash('sha256').update('v1').update(path).update(source).digest('hex');
  },
};
