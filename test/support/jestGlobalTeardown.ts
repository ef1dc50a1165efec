import { removeTemplate } from './pgliteTemplate';

export default removeTemplate;
