import { adAdapter } from '../../helpers/directory-scenarios';
import { incrementalSuite } from './incremental';

describe('incremental runs on Active Directory (Samba)', () => incrementalSuite('ad', () => adAdapter('incr')));
