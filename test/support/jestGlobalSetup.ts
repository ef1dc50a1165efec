import { buildTemplate } from './pgliteTemplate';

export default buildTemplate;
