import { openldapAdapter } from '../../helpers/directory-scenarios';
import { incrementalSuite } from './incremental';

describe('incremental runs on OpenLDAP', () => incrementalSuite('openldap', () => openldapAdapter('incr')));
