import { nameTemplateDir } from './pgliteTemplate';

export default nameTemplateDir;
